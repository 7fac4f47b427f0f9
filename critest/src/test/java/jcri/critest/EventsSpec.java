package jcri.critest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Context;
import io.grpc.stub.StreamObserver;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import jcri.api.v1.ContainerEventResponse;
import jcri.api.v1.ContainerEventType;
import jcri.api.v1.GetEventsRequest;
import jcri.api.v1.RemoveContainerRequest;
import jcri.api.v1.StartContainerRequest;
import jcri.api.v1.StopContainerRequest;
import org.junit.jupiter.api.Test;

/** GetContainerEvents: every lifecycle transition, with pod and container statuses, to several subscribers. */
class EventsSpec {
    private final CriClient cri = Target.client();

    /** Subscribes in a cancellable context; events land in the returned queue. */
    private LinkedBlockingQueue<ContainerEventResponse> subscribe(Context.CancellableContext context) throws Exception {
        var queue = new LinkedBlockingQueue<ContainerEventResponse>();
        context.run(() -> cri.runtimeAsync().getContainerEvents(GetEventsRequest.getDefaultInstance(), new StreamObserver<>() {
            @Override
            public void onNext(ContainerEventResponse value) {
                queue.add(value);
            }

            @Override
            public void onError(Throwable t) {
            }

            @Override
            public void onCompleted() {
            }
        }));
        Thread.sleep(300); // the stream is open once the server has seen the call
        return queue;
    }

    private static List<ContainerEventResponse> eventsOf(LinkedBlockingQueue<ContainerEventResponse> queue, String id, int count)
            throws InterruptedException {
        var out = new java.util.ArrayList<ContainerEventResponse>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (out.size() < count && System.nanoTime() < deadline) {
            var event = queue.poll(100, TimeUnit.MILLISECONDS);
            if (event != null && event.getContainerId().equals(id)) {
                out.add(event);
            }
        }
        return out;
    }

    @Test
    void lifecycleEventsReachEverySubscriber() throws Exception {
        var first = Context.current().withCancellation();
        var second = Context.current().withCancellation();
        try {
            var a = subscribe(first);
            var b = subscribe(second);
            var pod = Pods.config("events").build();
            var podId = Pods.run(cri, pod);
            try {
                var id = Pods.create(cri, podId, pod, Pods.shell(cri, "c", "exec sleep 1000").build());
                cri.runtime().startContainer(StartContainerRequest.newBuilder().setContainerId(id).build());
                cri.runtime().stopContainer(StopContainerRequest.newBuilder().setContainerId(id).setTimeout(0).build());
                cri.runtime().removeContainer(RemoveContainerRequest.newBuilder().setContainerId(id).build());
                for (var queue : List.of(a, b)) {
                    var events = eventsOf(queue, id, 4);
                    assertEquals(List.of(ContainerEventType.CONTAINER_CREATED_EVENT, ContainerEventType.CONTAINER_STARTED_EVENT,
                                    ContainerEventType.CONTAINER_STOPPED_EVENT, ContainerEventType.CONTAINER_DELETED_EVENT),
                            events.stream().map(ContainerEventResponse::getContainerEventType).toList());
                    assertEquals(podId, events.getFirst().getPodSandboxStatus().getId());
                    assertEquals(List.of(jcri.api.v1.ContainerState.CONTAINER_CREATED, jcri.api.v1.ContainerState.CONTAINER_RUNNING,
                                    jcri.api.v1.ContainerState.CONTAINER_EXITED),
                            events.subList(0, 3).stream().map(e -> e.getContainersStatusesList().stream().filter(s -> s.getId().equals(id))
                                    .findFirst().orElseThrow().getState()).toList(), "each event shows the container as it was then");
                    assertTrue(events.getLast().getCreatedAt() >= events.getFirst().getCreatedAt());
                }
            } finally {
                Pods.destroy(cri, podId);
            }
        } finally {
            first.cancel(null);
            second.cancel(null);
        }
    }
}
