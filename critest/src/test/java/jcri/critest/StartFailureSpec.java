package jcri.critest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.grpc.StatusRuntimeException;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;
import jcri.api.v1.ContainerState;
import jcri.api.v1.ContainerStatusRequest;
import jcri.api.v1.RunPodSandboxRequest;
import jcri.api.v1.StartContainerRequest;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * A runtime call of StartContainer that fails without the runtime's answer (runc killed at its timeout,
 * its binary gone) leaves the container's record saying what happened, not RUNNING.
 */
class StartFailureSpec {
    @Test
    void aStartTheRuntimeNeverAnsweredLeavesTheContainerExited() throws Exception {
        Assumptions.assumeFalse(Target.external(), "needs a runtime handler of the spec's own");
        var dir = Scratch.dir("critest-start-failure-");
        TestNetwork.forExtraDaemon(dir.resolve("net.d"), dir.resolve("ipam"));
        var runtime = dir.resolve("vanishing-runc");
        Files.writeString(runtime, "#!/bin/sh\nexec /usr/sbin/runc \"$@\"\n");
        Files.setPosixFilePermissions(runtime, PosixFilePermissions.fromString("rwxr-xr-x"));
        var handler = "\n[runtime.handlers.vanishing]\npath = \"%s\"\n".formatted(runtime);
        try (var jcrid = JcridProcess.start(dir, handler); var cri = new CriClient(jcrid.endpoint())) {
            var pod = Pods.config("start-failure").build();
            var podId = cri.runtime().runPodSandbox(RunPodSandboxRequest.newBuilder().setConfig(pod).setRuntimeHandler("vanishing")
                    .build()).getPodSandboxId();
            try {
                var id = Pods.create(cri, podId, pod, Pods.shell(cri, "c", "exec sleep 1000").build());
                Files.setPosixFilePermissions(runtime, PosixFilePermissions.fromString("rw-r--r--"));
                assertThrows(StatusRuntimeException.class,
                        () -> cri.runtime().startContainer(StartContainerRequest.newBuilder().setContainerId(id).build()));
                var status = cri.runtime().containerStatus(ContainerStatusRequest.newBuilder().setContainerId(id).build()).getStatus();
                assertEquals(ContainerState.CONTAINER_EXITED, status.getState(), status.toString());
                assertEquals("StartError", status.getReason(), status.toString());
            } finally {
                Files.setPosixFilePermissions(runtime, PosixFilePermissions.fromString("rwxr-xr-x"));
                Pods.destroy(cri, podId);
            }
        }
    }
}
