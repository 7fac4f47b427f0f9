package jcri.critest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.util.List;
import jcri.api.v1.ContainerState;
import jcri.api.v1.ContainerStatusRequest;
import jcri.api.v1.PodSandboxState;
import jcri.api.v1.PodSandboxStatusRequest;
import jcri.api.v1.PullImageRequest;
import jcri.api.v1.ImageSpec;
import jcri.api.v1.RemovePodSandboxRequest;
import jcri.api.v1.StopPodSandboxRequest;
import org.junit.jupiter.api.Test;

/**
 * Containers outlive jcrid: a crashed (SIGKILLed) daemon finds them again, with exits that happened
 * while it was down; a container whose conmon dies is reported, not left "running".
 */
class RestartSpec {
    @Test
    void aContainerWhoseConmonDiesIsReportedExited() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeFalse(Target.external(), "conmon is jcri's monitor; other runtimes have their own");
        var cri = Target.client();
        var pod = Pods.config("conmon-death").build();
        var podId = Pods.run(cri, pod);
        try {
            var id = Pods.start(cri, podId, pod, Pods.shell(cri, "c", "exec sleep 1000").build());
            var conmon = ProcessHandle.allProcesses().filter(p -> p.info().command().orElse("").endsWith("/conmon")
                    && p.info().arguments().map(a -> List.of(a).contains(id)).orElse(false)).findFirst().orElseThrow();
            conmon.destroyForcibly();
            var status = Pods.awaitExit(cri, id, java.time.Duration.ofSeconds(15));
            assertEquals(ContainerState.CONTAINER_EXITED, status.getState());
            assertTrue(status.getMessage().contains("conmon"), status.getMessage());
        } finally {
            Pods.destroy(cri, podId);
        }
    }

    @Test
    void runningContainersSurviveACrashAndExitsWhileDownAreFound() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeFalse(Target.external(), "killing someone else's runtime is not this suite's business");
        var dir = Scratch.dir("critest-restart-");
        TestNetwork.forExtraDaemon(dir.resolve("net.d"), dir.resolve("ipam"));
        var pod = Pods.config("restart").build();
        String podId;
        String runner;
        String quitter;
        var image = Pods.busybox(Target.client());
        try (var jcrid = JcridProcess.start(dir, ""); var cri = new CriClient(jcrid.endpoint())) {
            cri.images().pullImage(PullImageRequest.newBuilder().setImage(ImageSpec.newBuilder().setImage(image)).build());
            podId = Pods.run(cri, pod);
            runner = Pods.start(cri, podId, pod, Pods.shell(cri, "runner", "exec sleep 1000").build());
            quitter = Pods.start(cri, podId, pod, Pods.shell(cri, "quitter", "sleep 1; exit 7").build());
            jcrid.kill();
        }
        Thread.sleep(2000);
        try (var jcrid = JcridProcess.start(dir, ""); var cri = new CriClient(jcrid.endpoint())) {
            assertEquals(PodSandboxState.SANDBOX_READY, cri.runtime().podSandboxStatus(PodSandboxStatusRequest.newBuilder()
                    .setPodSandboxId(podId).build()).getStatus().getState());
            var running = cri.runtime().containerStatus(ContainerStatusRequest.newBuilder().setContainerId(runner).build()).getStatus();
            assertEquals(ContainerState.CONTAINER_RUNNING, running.getState());
            var exited = cri.runtime().containerStatus(ContainerStatusRequest.newBuilder().setContainerId(quitter).build()).getStatus();
            assertEquals(ContainerState.CONTAINER_EXITED, exited.getState());
            assertEquals(7, exited.getExitCode());
            assertTrue(exited.getFinishedAt() > exited.getStartedAt());
            cri.runtime().stopPodSandbox(StopPodSandboxRequest.newBuilder().setPodSandboxId(podId).build());
            assertEquals(ContainerState.CONTAINER_EXITED, cri.runtime().containerStatus(ContainerStatusRequest.newBuilder()
                    .setContainerId(runner).build()).getStatus().getState());
            cri.runtime().removePodSandbox(RemovePodSandboxRequest.newBuilder().setPodSandboxId(podId).build());
            assertEquals(0, Files.readAllLines(java.nio.file.Path.of("/proc/self/mountinfo")).stream()
                    .filter(l -> l.contains(dir.toString() + "/state")).count(), "no mounts left under the state dir");
            try (var left = Files.list(dir.resolve("state/containers"))) {
                assertEquals(0, left.count());
            }
            try (var leases = Files.list(dir.resolve("ipam/jcritest"))) {
                assertEquals(List.of(), leases.map(p -> p.getFileName().toString()).filter(n -> n.matches("[0-9.]+")).toList(),
                        "the pod's IP went back to the pool");
            }
        }
    }
}
