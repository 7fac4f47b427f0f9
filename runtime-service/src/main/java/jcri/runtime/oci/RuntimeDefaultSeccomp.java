package jcri.runtime.oci;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import jcri.runtime.oci.spec.Seccomp;

/**
 * jcri's {@code RuntimeDefault} seccomp profile, an allow-list: every syscall fails with EPERM but
 * those in {@code runtime-default-syscalls.txt} (some of them only for a container that holds the
 * capability governing them) and a few allowed with safe arguments only — {@code clone} and
 * {@code unshare} without namespace flags, {@code personality} with the Linux personas, {@code socket}
 * in the Unix, IP, netlink and packet families. {@code clone3}, whose flags seccomp cannot read,
 * fails with ENOSYS so that callers fall back to {@code clone}.
 */
final class RuntimeDefaultSeccomp {
    private static final int EPERM = 1;
    private static final int ENOSYS = 38;
    /** CLONE_NEWNS, CLONE_NEWCGROUP, CLONE_NEWUTS, CLONE_NEWIPC, CLONE_NEWUSER, CLONE_NEWPID, CLONE_NEWNET. */
    private static final long CLONE_NAMESPACES = 0x00020000L | 0x02000000L | 0x04000000L | 0x08000000L | 0x10000000L
            | 0x20000000L | 0x40000000L;
    /** unshare also takes CLONE_NEWTIME (in clone's flags that bit belongs to the exit signal). */
    private static final long UNSHARE_NAMESPACES = CLONE_NAMESPACES | 0x80L;
    /** PER_LINUX, PER_LINUX32, each with UNAME26, and 0xffffffff, which only asks for the current persona. */
    private static final List<Long> PERSONAS = List.of(0x0L, 0x8L, 0x20000L, 0x20008L, 0xffffffffL);
    /** AF_UNIX, AF_INET, AF_INET6, AF_NETLINK, AF_PACKET (raw packets: the kernel asks for CAP_NET_RAW). */
    private static final List<Long> SOCKET_FAMILIES = List.of(1L, 2L, 10L, 16L, 17L);
    /** Each listed syscall and the capabilities of which any allows it (none: always allowed). */
    private static final Map<String, List<String>> TABLE = read("runtime-default-syscalls.txt");

    private RuntimeDefaultSeccomp() {
    }

    private static Map<String, List<String>> read(String resource) {
        var table = new LinkedHashMap<String, List<String>>();
        try (var in = new BufferedReader(new InputStreamReader(
                Objects.requireNonNull(RuntimeDefaultSeccomp.class.getResourceAsStream(resource), resource), StandardCharsets.UTF_8))) {
            in.lines().map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).forEach(l -> {
                var words = l.split("\\s+");
                if (table.put(words[0], List.of(Arrays.copyOfRange(words, 1, words.length))) != null) {
                    throw new IllegalStateException(resource + " lists " + words[0] + " twice");
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Map.copyOf(table);
    }

    /** The seccomp architectures of a host whose {@code os.arch} is {@code osArch}: its own and its 32-bit compat ones. */
    static List<String> architectures(String osArch) {
        return switch (osArch) {
            case "amd64", "x86_64" -> List.of("SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32");
            case "aarch64", "arm64" -> List.of("SCMP_ARCH_AARCH64", "SCMP_ARCH_ARM");
            default -> throw new IllegalStateException("no RuntimeDefault seccomp profile for architecture " + osArch);
        };
    }

    /** The profile for a container holding {@code capabilities} on a host of {@code architectures}. */
    static Seccomp profile(Collection<String> capabilities, List<String> architectures) {
        var allowed = new ArrayList<String>();
        TABLE.entrySet().stream()
                .filter(e -> e.getValue().isEmpty() || e.getValue().stream().anyMatch(capabilities::contains))
                .map(Map.Entry::getKey).sorted().forEach(allowed::add);
        var rules = new ArrayList<Seccomp.Syscall>();
        rules.add(rule("SCMP_ACT_ALLOW", null, allowed, null));
        if (capabilities.contains("CAP_SYS_ADMIN")) {
            allowed.addAll(List.of("clone", "clone3", "unshare"));
        } else {
            rules.add(allowMasked("clone", CLONE_NAMESPACES));
            rules.add(allowMasked("unshare", UNSHARE_NAMESPACES));
            rules.add(rule("SCMP_ACT_ERRNO", ENOSYS, List.of("clone3"), null));
        }
        PERSONAS.forEach(p -> rules.add(allowEqual("personality", p)));
        SOCKET_FAMILIES.forEach(f -> rules.add(allowEqual("socket", f)));
        return new Seccomp("SCMP_ACT_ERRNO", EPERM, List.copyOf(architectures), null, null, null, List.copyOf(rules), Map.of());
    }

    private static Seccomp.Syscall rule(String action, Integer errnoRet, List<String> names, Seccomp.Arg arg) {
        return new Seccomp.Syscall(action, errnoRet, names, arg == null ? null : List.of(arg), Map.of());
    }

    /** Allows {@code syscall} when its first argument has none of the bits in {@code mask}. */
    private static Seccomp.Syscall allowMasked(String syscall, long mask) {
        return rule("SCMP_ACT_ALLOW", null, List.of(syscall),
                new Seccomp.Arg(0, BigInteger.valueOf(mask), BigInteger.ZERO, "SCMP_CMP_MASKED_EQ"));
    }

    /** Allows {@code syscall} when its first argument is {@code value}. */
    private static Seccomp.Syscall allowEqual(String syscall, long value) {
        return rule("SCMP_ACT_ALLOW", null, List.of(syscall), new Seccomp.Arg(0, BigInteger.valueOf(value), null, "SCMP_CMP_EQ"));
    }
}
