package jcri.critest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import jcri.api.v1.ContainerFilter;
import jcri.api.v1.ContainerState;
import jcri.api.v1.ContainerStatusRequest;
import jcri.api.v1.ListContainersRequest;
import jcri.api.v1.RemoveContainerRequest;
import jcri.api.v1.StartContainerRequest;
import jcri.api.v1.StopContainerRequest;
import jcri.api.v1.StopPodSandboxRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** critest "idempotence" for containers: repeated stop and remove, removing a running container, calls in the wrong state. */
class ContainerIdempotenceSpec {
    private final CriClient cri = Target.client();
    private final java.util.List<String> pods = new java.util.ArrayList<>();
    private jcri.api.v1.PodSandboxConfig pod;

    @AfterEach
    void cleanUp() {
        pods.forEach(p -> Pods.destroy(cri, p));
    }

    /** Runs a fresh pod, remembered in {@link #pod} and removed after the test. */
    private String pod(String name) {
        pod = Pods.config(name).build();
        var id = Pods.run(cri, pod);
        pods.add(id);
        return id;
    }

    private void stop(String id) {
        cri.runtime().stopContainer(StopContainerRequest.newBuilder().setContainerId(id).setTimeout(0).build());
    }

    private void remove(String id) {
        cri.runtime().removeContainer(RemoveContainerRequest.newBuilder().setContainerId(id).build());
    }

    private Status.Code statusCode(String id) {
        try {
            cri.runtime().containerStatus(ContainerStatusRequest.newBuilder().setContainerId(id).build());
            return Status.Code.OK;
        } catch (StatusRuntimeException e) {
            return e.getStatus().getCode();
        }
    }

    private boolean listed(String podId, String id) {
        return cri.runtime().listContainers(ListContainersRequest.newBuilder().setFilter(ContainerFilter.newBuilder()
                .setPodSandboxId(podId)).build()).getContainersList().stream().anyMatch(c -> c.getId().equals(id));
    }

    @Test
    void stopAndRemoveTwiceAreNoErrors() {
        var podId = pod("idem-stop");
        var id = Pods.start(cri, podId, pod, Pods.shell(cri, "sleeper", "exec sleep 1000").build());
        stop(id);
        stop(id);
        assertEquals(ContainerState.CONTAINER_EXITED, cri.runtime().containerStatus(ContainerStatusRequest.newBuilder()
                .setContainerId(id).build()).getStatus().getState());
        remove(id);
        remove(id);
        assertEquals(Status.Code.NOT_FOUND, statusCode(id));
        assertFalse(listed(podId, id));
    }

    @Test
    void stoppingAnExitedOrCreatedContainerIsFine() throws Exception {
        var podId = pod("idem-exited");
        var exited = Pods.start(cri, podId, pod, Pods.shell(cri, "quick", "exit 5").build());
        assertEquals(ContainerState.CONTAINER_EXITED, Pods.awaitExit(cri, exited, Duration.ofSeconds(20)).getState());
        stop(exited);
        var status = cri.runtime().containerStatus(ContainerStatusRequest.newBuilder().setContainerId(exited).build()).getStatus();
        assertEquals(5, status.getExitCode(), "stopping an exited container keeps its exit code");
        var created = Pods.create(cri, podId, pod, Pods.shell(cri, "never-started", "true").build());
        remove(created);
        assertEquals(Status.Code.NOT_FOUND, statusCode(created));
    }

    @Test
    void removingARunningContainerRemovesIt() {
        var podId = pod("idem-running");
        var id = Pods.start(cri, podId, pod, Pods.shell(cri, "sleeper", "trap '' TERM; while true; do sleep 1; done").build());
        long t0 = System.nanoTime();
        remove(id);
        assertTrue(System.nanoTime() - t0 < Duration.ofSeconds(10).toNanos(), "removal does not wait for a graceful stop");
        assertEquals(Status.Code.NOT_FOUND, statusCode(id));
        assertFalse(listed(podId, id));
    }

    @Test
    void startingTwiceFails() {
        var podId = pod("idem-start");
        var id = Pods.start(cri, podId, pod, Pods.shell(cri, "sleeper", "exec sleep 1000").build());
        var e = assertThrows(StatusRuntimeException.class,
                () -> cri.runtime().startContainer(StartContainerRequest.newBuilder().setContainerId(id).build()));
        Target.assertJcriCode(Status.Code.FAILED_PRECONDITION, e);
        assertEquals(ContainerState.CONTAINER_RUNNING, cri.runtime().containerStatus(ContainerStatusRequest.newBuilder()
                .setContainerId(id).build()).getStatus().getState(), "the failed start left the container running");
    }

    @Test
    void creatingInAStoppedPodFails() {
        var podId = pod("idem-stopped-pod");
        cri.runtime().stopPodSandbox(StopPodSandboxRequest.newBuilder().setPodSandboxId(podId).build());
        var e = assertThrows(StatusRuntimeException.class,
                () -> Pods.create(cri, podId, pod, Pods.shell(cri, "late", "true").build()));
        Target.assertJcriCode(Status.Code.FAILED_PRECONDITION, e);
        assertTrue(e.getStatus().getDescription().contains(podId), e.getStatus().getDescription());
    }

    /** Stopping and removing are idempotent for ids never seen too (the kubelet retries; critest 1.32 checks stop). */
    @Test
    void unknownContainersAreNotFoundExceptForStopAndRemove() {
        var unknown = "0".repeat(64);
        assertEquals(Status.Code.NOT_FOUND, statusCode(unknown));
        var start = assertThrows(StatusRuntimeException.class,
                () -> cri.runtime().startContainer(StartContainerRequest.newBuilder().setContainerId(unknown).build()));
        assertEquals(Status.Code.NOT_FOUND, start.getStatus().getCode());
        if (Target.external()) {
            try {
                stop(unknown);
            } catch (StatusRuntimeException e) {
                assertEquals(Status.Code.NOT_FOUND, e.getStatus().getCode(), "containerd 1.6 says NOT_FOUND");
            }
        } else {
            stop(unknown);
        }
        remove(unknown);
    }
}
