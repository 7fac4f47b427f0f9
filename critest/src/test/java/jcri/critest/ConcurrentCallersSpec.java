package jcri.critest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import jcri.api.v1.ContainerState;
import jcri.api.v1.ContainerStatusRequest;
import jcri.api.v1.ListContainersRequest;
import jcri.api.v1.PodSandboxState;
import jcri.api.v1.PodSandboxStatusRequest;
import jcri.api.v1.RemoveContainerRequest;
import jcri.api.v1.RemovePodSandboxRequest;
import jcri.api.v1.StopContainerRequest;
import jcri.api.v1.StopPodSandboxRequest;
import org.junit.jupiter.api.Test;

/**
 * Many callers on one pod or container at once, as a kubelet's workers and {@code kubeadm reset} are: each of 20
 * simultaneous calls gets a correct answer, and the pod ends in one state with nothing left behind.
 */
class ConcurrentCallersSpec {
    private static final int CALLERS = 20;
    private final CriClient cri = Target.client();

    /** Runs the calls at the same moment (after a common start) and returns what each answered, in order. */
    private static <T> List<T> atOnce(List<Callable<T>> calls) throws Exception {
        var start = new CountDownLatch(1);
        try (var pool = Executors.newFixedThreadPool(calls.size())) {
            var futures = new ArrayList<Future<T>>();
            for (var call : calls) {
                futures.add(pool.submit(() -> {
                    start.await();
                    return call.call();
                }));
            }
            start.countDown();
            var answers = new ArrayList<T>();
            for (var future : futures) {
                answers.add(future.get());
            }
            return answers;
        }
    }

    private static <T> List<Callable<T>> times(int n, Callable<T> call) {
        return new ArrayList<>(Collections.nCopies(n, call));
    }

    @Test
    void stopsStatusesAndRemovesOfOnePodAtOnceEachAnswerCorrectly() throws Exception {
        var pod = Pods.config("concurrent").build();
        var podId = Pods.run(cri, pod);
        var first = Pods.start(cri, podId, pod, Pods.shell(cri, "first", "exec sleep 1000").build());
        var second = Pods.start(cri, podId, pod, Pods.shell(cri, "second", "trap 'exit 0' TERM; sleep 1000 & wait").build());
        var calls = new ArrayList<Callable<String>>();
        for (int i = 0; i < CALLERS / 4; i++) {
            calls.add(() -> {
                cri.runtime().stopPodSandbox(StopPodSandboxRequest.newBuilder().setPodSandboxId(podId).build());
                return "stopped";
            });
            calls.add(() -> cri.runtime().podSandboxStatus(PodSandboxStatusRequest.newBuilder().setPodSandboxId(podId).build())
                    .getStatus().getId());
            calls.add(() -> cri.runtime().containerStatus(ContainerStatusRequest.newBuilder().setContainerId(first).build())
                    .getStatus().getId());
            calls.add(() -> Integer.toString(cri.runtime().listContainers(ListContainersRequest.getDefaultInstance()).getContainersList()
                    .stream().filter(c -> c.getPodSandboxId().equals(podId)).toList().size()));
        }
        var answers = atOnce(calls);
        for (int i = 0; i < answers.size(); i += 4) {
            assertEquals(List.of("stopped", podId, first, "2"), answers.subList(i, i + 4), "answers: " + answers);
        }
        for (var id : List.of(first, second)) {
            assertEquals(ContainerState.CONTAINER_EXITED, cri.runtime().containerStatus(ContainerStatusRequest.newBuilder()
                    .setContainerId(id).build()).getStatus().getState(), "every stop returned after the pod's containers ended");
        }
        assertEquals(PodSandboxState.SANDBOX_NOTREADY, cri.runtime().podSandboxStatus(PodSandboxStatusRequest.newBuilder()
                .setPodSandboxId(podId).build()).getStatus().getState());
        var removed = atOnce(times(CALLERS, () -> {
            cri.runtime().removePodSandbox(RemovePodSandboxRequest.newBuilder().setPodSandboxId(podId).build());
            return "removed";
        }));
        assertEquals(Collections.nCopies(CALLERS, "removed"), removed, "removing a pod that another caller removes is no error");
        var e = assertThrows(StatusRuntimeException.class, () -> cri.runtime().podSandboxStatus(PodSandboxStatusRequest.newBuilder()
                .setPodSandboxId(podId).build()));
        assertEquals(Status.Code.NOT_FOUND, e.getStatus().getCode());
        Target.daemon().ifPresent(d -> assertEquals(List.of(), Leaks.find(cri, d.dir(), "critest-concurrent-none")));
    }

    @Test
    void stopsAndRemovesOfOneContainerAtOnceEachSucceed() throws Exception {
        var pod = Pods.config("concurrent-container").build();
        var podId = Pods.run(cri, pod);
        try {
            var id = Pods.start(cri, podId, pod, Pods.shell(cri, "c", "exec sleep 1000").build());
            var stopped = atOnce(times(CALLERS, () -> {
                cri.runtime().stopContainer(StopContainerRequest.newBuilder().setContainerId(id).setTimeout(10).build());
                return cri.runtime().containerStatus(ContainerStatusRequest.newBuilder().setContainerId(id).build()).getStatus().getState();
            }));
            assertEquals(Collections.nCopies(CALLERS, ContainerState.CONTAINER_EXITED), stopped,
                    "each stop returns once the container has exited");
            var removed = atOnce(times(CALLERS, () -> {
                cri.runtime().removeContainer(RemoveContainerRequest.newBuilder().setContainerId(id).build());
                return "removed";
            }));
            assertEquals(Collections.nCopies(CALLERS, "removed"), removed);
            assertEquals(0, cri.runtime().listContainers(ListContainersRequest.getDefaultInstance()).getContainersList().stream()
                    .filter(c -> c.getId().equals(id)).count());
        } finally {
            Pods.destroy(cri, podId);
        }
    }
}
