package jcri.runtime.sandbox;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.grpc.Status;
import java.nio.file.Path;
import java.util.Map;
import jcri.api.CriException;
import org.junit.jupiter.api.Test;

class SysctlsTest {
    /** The node's own sysctls: every name these tests allow is one Linux has. */
    private static final Path PROC_SYS = Path.of("/proc/sys");

    private static String refused(String name, boolean ownNetwork, boolean ownIpc) {
        var e = assertThrows(CriException.class, () -> Sysctls.validate(Map.of(name, "1"), ownNetwork, ownIpc, PROC_SYS));
        assertEquals(Status.Code.INVALID_ARGUMENT, e.code());
        return e.getMessage();
    }

    @Test
    void namespacedSysctlsOfOwnNamespacesAreAllowedInDotOrSlashForm() {
        assertDoesNotThrow(() -> Sysctls.validate(Map.of("net.ipv4.ip_forward", "1", "net/core/somaxconn", "1024",
                "kernel.shmmax", "1", "kernel.msgmax", "1", "kernel.sem", "250 32000 32 128", "fs.mqueue.msg_max", "10"), true, true, PROC_SYS));
    }

    @Test
    void aSysctlNoNamespaceIsolatesIsRefused() {
        assertEquals("sysctl kernel.hostname is not namespaced: a pod may only set IPC (kernel.shm*, kernel.msg*, kernel.sem, "
                + "fs.mqueue.*) and network (net.*) sysctls", refused("kernel.hostname", true, true));
        assertEquals("sysctl kernel.semaphores is not namespaced: a pod may only set IPC (kernel.shm*, kernel.msg*, kernel.sem, "
                + "fs.mqueue.*) and network (net.*) sysctls", refused("kernel.semaphores", true, true), "kernel.sem is exact, not a prefix");
        assertEquals("sysctl vm/swappiness is not namespaced: a pod may only set IPC (kernel.shm*, kernel.msg*, kernel.sem, "
                + "fs.mqueue.*) and network (net.*) sysctls", refused("vm/swappiness", true, true));
    }

    @Test
    void aSysctlOfANamespaceSharedWithTheHostIsRefused() {
        assertEquals("sysctl net.ipv4.ip_forward cannot be set in a pod that shares the host's network namespace",
                refused("net.ipv4.ip_forward", false, true));
        assertEquals("sysctl kernel/shmmax cannot be set in a pod that shares the host's IPC namespace",
                refused("kernel/shmmax", true, false));
        assertDoesNotThrow(() -> Sysctls.validate(Map.of("kernel.shmmax", "1"), false, true, PROC_SYS), "IPC is its own even on host network");
    }

    @Test
    void malformedAndUnknownSysctlsAreRefusedAtOnce() {
        assertEquals("sysctl name 'net.ipv4..ip_forward' is malformed (words of letters, digits and _ separated by . or /)",
                refused("net.ipv4..ip_forward", true, true));
        refused("net/../../etc/passwd", true, true);
        refused("", true, true);
        refused("net.ipv4.ip_forward ", true, true);
        assertEquals("sysctl net.core.no_such_knob does not exist in this kernel", refused("net.core.no_such_knob", true, true));
    }

    @Test
    void aPerInterfaceSysctlIsCheckedAgainstTheDefaultInterfacesOne() {
        assertEquals("net/ipv4/conf/default/forwarding", Sysctls.path("net.ipv4.conf.eth0.forwarding"));
        assertEquals("net/ipv4/conf/default/forwarding", Sysctls.path("net/ipv4/conf/eth0.100/forwarding"));
        assertEquals("net/core/somaxconn", Sysctls.path("net.core.somaxconn"));
        assertDoesNotThrow(() -> Sysctls.validate(Map.of("net.ipv4.conf.eth0.forwarding", "1"), true, true, PROC_SYS),
                "the pod's eth0 comes with its network, after this check");
    }
}
