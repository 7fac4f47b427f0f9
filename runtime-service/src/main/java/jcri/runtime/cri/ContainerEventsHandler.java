package jcri.runtime.cri;

import jcri.runtime.container.ContainerEvents;

import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.logging.Logger;
import jcri.api.v1.ContainerEventResponse;
import jcri.api.v1.ContainerEventType;
import jcri.api.v1.GetEventsRequest;
import jcri.api.v1.RuntimeServiceGrpc;
import jcri.runtime.sandbox.SandboxManager;

/**
 * CRI handler for GetContainerEvents: a stream of CREATED/STARTED/STOPPED/DELETED events, each with
 * the pod's status and the statuses of the pod's containers when the event happened, as the kubelet's
 * evented PLEG expects.
 * Each stream is fed from its own bounded queue and waits for gRPC flow control, so a slow client
 * loses events rather than holding up the runtime.
 */
public final class ContainerEventsHandler implements RuntimeServiceGrpc.AsyncService {
    private static final Logger LOG = Logger.getLogger(ContainerEventsHandler.class.getName());
    private final ContainerEvents events;
    private final SandboxManager sandboxes;

    public ContainerEventsHandler(ContainerEvents events, SandboxManager sandboxes) {
        this.events = events;
        this.sandboxes = sandboxes;
    }

    @Override
    public void getContainerEvents(GetEventsRequest request, StreamObserver<ContainerEventResponse> observer) {
        var call = (ServerCallStreamObserver<ContainerEventResponse>) observer;
        var subscription = events.subscribe();
        var sender = Thread.ofVirtual().name("container-events").unstarted(() -> send(call, subscription));
        call.setOnCancelHandler(() -> {
            subscription.close();
            sender.interrupt();
        });
        sender.start();
    }

    private void send(ServerCallStreamObserver<ContainerEventResponse> call, ContainerEvents.Subscription subscription) {
        try (subscription) {
            while (!call.isCancelled()) {
                var event = subscription.next(1000);
                if (event == null) {
                    continue;
                }
                while (!call.isReady() && !call.isCancelled()) {
                    Thread.sleep(10);
                }
                if (!call.isCancelled()) {
                    call.onNext(toCri(event));
                }
            }
        } catch (InterruptedException e) {
            // the client went away
        } catch (RuntimeException e) {
            LOG.fine(() -> "container event stream ended: " + e);
        }
    }

    private ContainerEventResponse toCri(ContainerEvents.Event event) {
        var response = ContainerEventResponse.newBuilder()
                .setContainerId(event.containerId())
                .setContainerEventType(switch (event.type()) {
                    case CREATED -> ContainerEventType.CONTAINER_CREATED_EVENT;
                    case STARTED -> ContainerEventType.CONTAINER_STARTED_EVENT;
                    case STOPPED -> ContainerEventType.CONTAINER_STOPPED_EVENT;
                    case DELETED -> ContainerEventType.CONTAINER_DELETED_EVENT;
                })
                .setCreatedAt(event.createdAt());
        sandboxes.lookup(event.podId()).ifPresent(pod -> response.setPodSandboxStatus(PodSandboxHandler.toStatus(pod)));
        event.podContainers().forEach(c -> response.addContainersStatuses(ContainerHandler.toStatus(c)));
        return response.build();
    }
}
