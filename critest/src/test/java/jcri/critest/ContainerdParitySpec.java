package jcri.critest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import jcri.api.v1.ExecSyncRequest;
import jcri.api.v1.ImageSpec;
import jcri.api.v1.Int64Value;
import jcri.api.v1.LinuxContainerConfig;
import jcri.api.v1.LinuxContainerSecurityContext;
import jcri.api.v1.PodSandboxStatusRequest;
import jcri.api.v1.PortMapping;
import jcri.api.v1.PullImageRequest;
import jcri.api.v1.SecurityProfile;
import org.junit.jupiter.api.Test;

/**
 * Where the CRI leaves a choice and real clients (the kubelet, critest) rely on the one containerd and
 * CRI-O made, jcri makes the same: each case here once broke a real client.
 */
class ContainerdParitySpec {
    private static final CriClient CRI = Target.client();

    private static String exec(String container, String... cmd) {
        var response = CRI.runtime().execSync(ExecSyncRequest.newBuilder().setContainerId(container).setTimeout(20)
                .addAllCmd(List.of(cmd)).build());
        assertEquals(0, response.getExitCode(), response.getStderr().toStringUtf8());
        return response.getStdout().toStringUtf8();
    }

    @Test
    void aPodWithoutHostnameGetsTheNodesWhateverItsNameLength() throws Exception {
        var name = "a-pod-name-longer-than-a-host-name-may-be-" + "x".repeat(40); // critest's pods look like this
        var pod = Pods.config(name).build();
        var podId = Pods.run(CRI, pod);
        try {
            var container = Pods.start(CRI, podId, pod, Pods.shell(CRI, "sleeper", "exec sleep 3600").build());
            var node = Files.readString(Path.of("/proc/sys/kernel/hostname")).strip();
            assertEquals(node, exec(container, "hostname").strip());
        } finally {
            Pods.destroy(CRI, podId);
        }
    }

    @Test
    void aPortMappingWithoutHostPortPublishesNothingAndThePodRuns() {
        // the kubelet sends one for every declared containerPort
        var pod = Pods.config("container-port-only").addPortMappings(PortMapping.newBuilder().setContainerPort(8080)).build();
        var podId = Pods.run(CRI, pod);
        try {
            var status = CRI.runtime().podSandboxStatus(PodSandboxStatusRequest.newBuilder().setPodSandboxId(podId).build());
            assertFalse(status.getStatus().getNetwork().getIp().isEmpty(), status.toString());
        } finally {
            Pods.destroy(CRI, podId);
        }
    }

    @Test
    void aTimedOutExecLeavesNoSleepInAPodSharingItsPidNamespace() {
        // critest's check: `pgrep sleep` finds nothing after an ExecSync of `sleep` timed out
        var pod = Pods.config("exec-timeout").build(); // a pod-wide PID namespace, the CRI's default
        var podId = Pods.run(CRI, pod);
        try {
            var container = Pods.start(CRI, podId, pod, Pods.shell(CRI, "waiter", "exec tail -f /dev/null").build());
            var e = assertThrows(StatusRuntimeException.class, () -> CRI.runtime().execSync(ExecSyncRequest.newBuilder()
                    .setContainerId(container).setTimeout(1).addAllCmd(List.of("sleep", "4321")).build()));
            assertEquals(Status.Code.DEADLINE_EXCEEDED, e.getStatus().getCode(), e.getMessage());
            var processes = exec(container, "ps", "-o", "comm");
            assertFalse(processes.lines().anyMatch(line -> line.strip().equals("sleep")), processes);
        } finally {
            Pods.destroy(CRI, podId);
        }
    }

    @Test
    void aGroupWithoutAUserIsRefused() {
        var pod = Pods.config("group-only").build();
        var podId = Pods.run(CRI, pod);
        try {
            var e = assertThrows(StatusRuntimeException.class, () -> Pods.create(CRI, podId, pod, Pods.shell(CRI, "grouped", "id")
                    .setLinux(LinuxContainerConfig.newBuilder().setSecurityContext(LinuxContainerSecurityContext.newBuilder()
                            .setRunAsGroup(Int64Value.newBuilder().setValue(1234)))).build()));
            Target.assertJcriCode(Status.Code.INVALID_ARGUMENT, e);
        } finally {
            Pods.destroy(CRI, podId);
        }
    }

    @Test
    void aContainerNamingNoSeccompProfileRunsUnconfinedAndRuntimeDefaultFilters() {
        var pod = Pods.config("seccomp-default").build();
        var podId = Pods.run(CRI, pod);
        try {
            var unset = Pods.start(CRI, podId, pod, Pods.shell(CRI, "unset", "exec sleep 3600").build());
            assertEquals("0", seccompMode(unset), "no profile named: unconfined, as the CRI says");
            var runtimeDefault = Pods.start(CRI, podId, pod, Pods.shell(CRI, "default", "exec sleep 3600")
                    .setLinux(LinuxContainerConfig.newBuilder().setSecurityContext(LinuxContainerSecurityContext.newBuilder()
                            .setSeccomp(SecurityProfile.newBuilder().setProfileType(SecurityProfile.ProfileType.RuntimeDefault))))
                    .build());
            assertEquals("2", seccompMode(runtimeDefault), "RuntimeDefault asked for: filtered");
        } finally {
            Pods.destroy(CRI, podId);
        }
    }

    @Test
    void anUnreachableRegistrySaysWhatFailed() throws Exception {
        int port;
        try (var socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        var image = "127.0.0.1:" + port + "/nothing/here:1";
        var e = assertThrows(StatusRuntimeException.class, () -> CRI.images().pullImage(PullImageRequest.newBuilder()
                .setImage(ImageSpec.newBuilder().setImage(image)).build()));
        if (!Target.external()) {
            assertEquals(Status.Code.UNAVAILABLE, e.getStatus().getCode(), e.getMessage());
            assertTrue(e.getStatus().getDescription().contains("connection refused"), e.getMessage());
        }
    }

    /** The Seccomp field of a process run in the container (as its own are): 0 none, 2 a filter. */
    private static String seccompMode(String container) {
        return exec(container, "sh", "-c", "grep '^Seccomp:' /proc/self/status | cut -f2").strip();
    }
}
