package jcri.runtime.oci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.util.List;
import java.util.Set;
import jcri.api.v1.LinuxContainerSecurityContext;
import jcri.api.v1.SecurityProfile;
import jcri.runtime.oci.spec.Seccomp;
import org.junit.jupiter.api.Test;

class RuntimeDefaultSeccompTest {
    private static final List<String> DEFAULT_CAPS = List.of("CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FOWNER", "CAP_FSETID",
            "CAP_KILL", "CAP_SETGID", "CAP_SETUID", "CAP_SETPCAP", "CAP_NET_BIND_SERVICE", "CAP_NET_RAW", "CAP_SYS_CHROOT",
            "CAP_MKNOD", "CAP_AUDIT_WRITE", "CAP_SETFCAP");
    private static final List<String> X86 = RuntimeDefaultSeccomp.architectures("amd64");

    private static Seccomp runtimeDefault(List<String> caps) {
        return SeccompProfiles.forContext(LinuxContainerSecurityContext.newBuilder()
                .setSeccomp(SecurityProfile.newBuilder().setProfileType(SecurityProfile.ProfileType.RuntimeDefault)).build(), caps, X86);
    }

    /** The syscalls allowed whatever their arguments. */
    private static Set<String> allowedOutright(Seccomp profile) {
        return Set.copyOf(profile.syscalls().stream().filter(r -> r.action().equals("SCMP_ACT_ALLOW") && r.args() == null)
                .flatMap(r -> r.names().stream()).toList());
    }

    private static List<Seccomp.Syscall> rulesFor(Seccomp profile, String syscall) {
        return profile.syscalls().stream().filter(r -> r.names().contains(syscall)).toList();
    }

    @Test
    void anAllowListThatRefusesWithEperm() {
        var profile = runtimeDefault(DEFAULT_CAPS);
        assertEquals("SCMP_ACT_ERRNO", profile.defaultAction());
        assertEquals(1, profile.defaultErrnoRet());
        var allowed = allowedOutright(profile);
        assertTrue(allowed.containsAll(List.of("read", "write", "execve", "openat", "mmap", "futex", "epoll_wait", "rt_sigaction")));
        for (var refused : List.of("io_uring_setup", "io_uring_enter", "io_uring_register", "keyctl", "add_key", "userfaultfd",
                "mount_setattr", "pidfd_getfd", "ptrace", "mount", "bpf", "kexec_load", "init_module", "clock_settime", "modify_ldt")) {
            assertFalse(allowed.contains(refused), refused);
        }
    }

    @Test
    void capabilitiesAllowTheSyscallsTheyGovern() {
        var allowed = allowedOutright(runtimeDefault(List.of("CAP_SYS_ADMIN", "CAP_SYS_PTRACE", "CAP_SYS_TIME", "CAP_SYS_BOOT",
                "CAP_SYS_MODULE", "CAP_BPF")));
        assertTrue(allowed.containsAll(List.of("mount", "umount2", "setns", "unshare", "clone", "clone3", "ptrace", "process_vm_readv",
                "clock_settime", "reboot", "init_module", "bpf")), allowed.toString());
        assertFalse(allowed.contains("io_uring_setup"), "no capability reopens io_uring");
        assertFalse(allowed.contains("keyctl"));
    }

    @Test
    void withoutSysAdminCloneAndUnshareMayNotMakeNamespaces() {
        var profile = runtimeDefault(DEFAULT_CAPS);
        var clone = rulesFor(profile, "clone");
        assertEquals(1, clone.size(), clone.toString());
        var arg = clone.getFirst().args().getFirst();
        assertEquals("SCMP_CMP_MASKED_EQ", arg.op());
        assertEquals(BigInteger.valueOf(0x7E020000L), arg.value(), "every CLONE_NEW* flag is in the mask");
        assertEquals(BigInteger.ZERO, arg.valueTwo());
        assertEquals(BigInteger.valueOf(0x7E020080L), rulesFor(profile, "unshare").getFirst().args().getFirst().value());
        var clone3 = rulesFor(profile, "clone3");
        assertEquals("SCMP_ACT_ERRNO", clone3.getFirst().action());
        assertEquals(38, clone3.getFirst().errnoRet());
    }

    @Test
    void personalityAndSocketOnlyWithSafeArguments() {
        var profile = runtimeDefault(DEFAULT_CAPS);
        assertEquals(List.of(0x0L, 0x8L, 0x20000L, 0x20008L, 0xffffffffL), firstArgs(profile, "personality"));
        assertEquals(List.of(1L, 2L, 10L, 16L, 17L), firstArgs(profile, "socket"));
    }

    private static List<Long> firstArgs(Seccomp profile, String syscall) {
        return rulesFor(profile, syscall).stream().peek(r -> assertEquals("SCMP_CMP_EQ", r.args().getFirst().op()))
                .map(r -> r.args().getFirst().value().longValueExact()).toList();
    }

    @Test
    void theNativeArchitectureWithItsCompatOnes() {
        assertEquals(List.of("SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"), RuntimeDefaultSeccomp.architectures("amd64"));
        assertEquals(List.of("SCMP_ARCH_AARCH64", "SCMP_ARCH_ARM"), RuntimeDefaultSeccomp.architectures("aarch64"));
        assertThrows(IllegalStateException.class, () -> RuntimeDefaultSeccomp.architectures("riscv64"));
        var arm = RuntimeDefaultSeccomp.profile(DEFAULT_CAPS, RuntimeDefaultSeccomp.architectures("aarch64"));
        assertEquals(2, arm.architectures().size());
        assertTrue(allowedOutright(arm).containsAll(List.of("set_tls", "cacheflush", "arm_fadvise64_64")));
    }

    @Test
    void unconfinedAndNoProfileGetNone() {
        assertEquals(null, SeccompProfiles.forContext(LinuxContainerSecurityContext.getDefaultInstance(), DEFAULT_CAPS, X86));
        assertEquals(null, SeccompProfiles.forContext(LinuxContainerSecurityContext.newBuilder().setSeccomp(
                SecurityProfile.newBuilder().setProfileType(SecurityProfile.ProfileType.Unconfined)).build(), DEFAULT_CAPS, X86));
    }
}
