package jcri.critest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Files;
import java.time.Duration;
import jcri.api.v1.ContainerFilter;
import jcri.api.v1.ContainerState;
import jcri.api.v1.ContainerStateValue;
import jcri.api.v1.ContainerStatusRequest;
import jcri.api.v1.KeyValue;
import jcri.api.v1.ListContainersRequest;
import jcri.api.v1.RemoveContainerRequest;
import jcri.api.v1.StartContainerRequest;
import jcri.api.v1.StopContainerRequest;
import org.junit.jupiter.api.Test;

/** critest "container": lifecycle, exit codes, logs, env and args, stop timeouts, start errors. */
class ContainerLifecycleSpec {
    private final CriClient cri = Target.client();

    private jcri.api.v1.ContainerStatus status(String id) {
        return cri.runtime().containerStatus(ContainerStatusRequest.newBuilder().setContainerId(id).build()).getStatus();
    }

    @Test
    void createStartStopRemoveWithLogsAndExitCode() throws Exception {
        var pod = Pods.config("lifecycle").build();
        var podId = Pods.run(cri, pod);
        try {
            var config = Pods.shell(cri, "main", "echo hello; echo oops >&2; echo \"$GREETING $0\"; exit 3")
                    .addEnvs(KeyValue.newBuilder().setKey("GREETING").setValue("hi")).build();
            var id = Pods.create(cri, podId, pod, config);
            assertEquals(ContainerState.CONTAINER_CREATED, status(id).getState());
            cri.runtime().startContainer(StartContainerRequest.newBuilder().setContainerId(id).build());
            var exited = Pods.awaitExit(cri, id, Duration.ofSeconds(20));
            assertEquals(ContainerState.CONTAINER_EXITED, exited.getState(), exited.toString());
            assertEquals(3, exited.getExitCode());
            assertEquals("Error", exited.getReason());
            assertTrue(exited.getFinishedAt() >= exited.getStartedAt() && exited.getStartedAt() >= exited.getCreatedAt(), exited.toString());
            var log = Files.readAllLines(Pods.log(pod, config));
            assertEquals(3, log.size(), log.toString());
            assertTrue(log.stream().allMatch(l -> l.matches("\\d{4}-\\d\\d-\\d\\dT\\S+ (stdout|stderr) F .*")), log.toString());
            assertEquals(java.util.List.of("hello", "hi sh"), log.stream().filter(l -> l.contains(" stdout F "))
                    .map(l -> l.substring(l.indexOf(" F ") + 3)).toList(), "stdout in order; stderr may interleave");
            assertEquals(java.util.List.of("oops"), log.stream().filter(l -> l.contains(" stderr F "))
                    .map(l -> l.substring(l.indexOf(" F ") + 3)).toList());
            assertEquals(exited.getLogPath(), Pods.log(pod, config).toString());
            cri.runtime().removeContainer(RemoveContainerRequest.newBuilder().setContainerId(id).build());
            var gone = assertThrows(StatusRuntimeException.class, () -> status(id));
            assertEquals(Status.Code.NOT_FOUND, gone.getStatus().getCode());
        } finally {
            Pods.destroy(cri, podId);
        }
    }

    @Test
    void stopKillsAfterTheTimeoutAndZeroKillsAtOnce() throws Exception {
        var pod = Pods.config("stop").build();
        var podId = Pods.run(cri, pod);
        try {
            var stubbornConfig = Pods.shell(cri, "stubborn", "trap '' TERM; echo ready; while true; do sleep 1; done").build();
            var stubborn = Pods.start(cri, podId, pod, stubbornConfig);
            Logs.await(Pods.log(pod, stubbornConfig), "ready", Duration.ofSeconds(30)); // SIGTERM is ignored from here on
            var polite = Pods.start(cri, podId, pod, Pods.shell(cri, "polite", "exec sleep 1000").build());
            assertEquals(ContainerState.CONTAINER_RUNNING, status(stubborn).getState());
            long t0 = System.nanoTime();
            cri.runtime().stopContainer(StopContainerRequest.newBuilder().setContainerId(polite).setTimeout(30).build());
            assertTrue(System.nanoTime() - t0 < Duration.ofSeconds(5).toNanos(), "SIGTERM ends sleep at once");
            assertEquals(ContainerState.CONTAINER_EXITED, status(polite).getState());
            t0 = System.nanoTime();
            cri.runtime().stopContainer(StopContainerRequest.newBuilder().setContainerId(stubborn).setTimeout(2).build());
            long took = System.nanoTime() - t0;
            assertTrue(took >= Duration.ofMillis(1900).toNanos() && took < Duration.ofSeconds(8).toNanos(), "took " + took / 1_000_000 + " ms");
            assertEquals(137, status(stubborn).getExitCode());
            cri.runtime().stopContainer(StopContainerRequest.newBuilder().setContainerId(stubborn).setTimeout(2).build());
            var zero = Pods.start(cri, podId, pod, Pods.shell(cri, "zero", "trap '' TERM; sleep 1000").build());
            t0 = System.nanoTime();
            cri.runtime().stopContainer(StopContainerRequest.newBuilder().setContainerId(zero).setTimeout(0).build());
            assertTrue(System.nanoTime() - t0 < Duration.ofSeconds(8).toNanos(), "no grace period: killed at once");
            var running = cri.runtime().listContainers(ListContainersRequest.newBuilder().setFilter(ContainerFilter.newBuilder()
                    .setPodSandboxId(podId).setState(ContainerStateValue.newBuilder().setState(ContainerState.CONTAINER_RUNNING))).build());
            assertEquals(0, running.getContainersCount());
            var all = cri.runtime().listContainers(ListContainersRequest.newBuilder().setFilter(ContainerFilter.newBuilder()
                    .setPodSandboxId(podId)).build());
            assertEquals(3, all.getContainersCount());
        } finally {
            Pods.destroy(cri, podId);
        }
    }

    @Test
    void startFailureIsReportedWithTheRuntimesMessage() {
        var pod = Pods.config("badstart").build();
        var podId = Pods.run(cri, pod);
        try {
            var config = Pods.shell(cri, "missing", "").clearCommand().clearArgs().addCommand("/no/such/binary").build();
            var e = assertThrows(StatusRuntimeException.class, () -> Pods.start(cri, podId, pod, config));
            assertTrue(e.getStatus().getDescription().contains("/no/such/binary"), e.getStatus().toString());
        } finally {
            Pods.destroy(cri, podId);
        }
        assertFalse(cri.runtime().listContainers(ListContainersRequest.getDefaultInstance()).getContainersList().stream()
                .anyMatch(c -> c.getPodSandboxId().equals(podId)), "removing the pod removed its containers");
    }
}
