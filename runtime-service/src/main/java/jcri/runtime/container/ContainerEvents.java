package jcri.runtime.container;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Container lifecycle events for any number of subscribers. Each subscriber has a bounded queue:
 * a subscriber that does not keep up loses events (counted in {@code container_runtime_jcri_containers_dropped_events})
 * instead of slowing the runtime down. Also counts the containers the OOM killer ended
 * ({@code container_runtime_jcri_containers_oom}).
 */
public final class ContainerEvents {
    /** The four lifecycle transitions the CRI reports. */
    public enum Type { CREATED, STARTED, STOPPED, DELETED }

    /** One transition of one container, with the pod's containers as they were when it happened. */
    public record Event(String containerId, String podId, Type type, long createdAt, List<ContainerRecord> podContainers) {
    }

    private final Set<Subscription> subscribers = ConcurrentHashMap.newKeySet();
    private final Counter dropped;
    private final Counter oomKills;
    private final int capacity;

    public ContainerEvents(MeterRegistry registry, int capacity) {
        this.capacity = capacity;
        this.dropped = Counter.builder("container_runtime_jcri_containers_dropped_events")
                .description("Container events dropped because a subscriber did not keep up").register(registry);
        this.oomKills = Counter.builder("container_runtime_jcri_containers_oom")
                .description("Containers that exited because the kernel's OOM killer ended one of their processes").register(registry);
    }

    /** A subscriber's queue; close it when the subscriber goes away. */
    public final class Subscription implements AutoCloseable {
        private final BlockingQueue<Event> queue = new ArrayBlockingQueue<>(capacity);

        /** The next event, or null if none came within {@code millis}. */
        public Event next(long millis) throws InterruptedException {
            return queue.poll(millis, TimeUnit.MILLISECONDS);
        }

        @Override
        public void close() {
            subscribers.remove(this);
        }
    }

    public Subscription subscribe() {
        var subscription = new Subscription();
        subscribers.add(subscription);
        return subscription;
    }

    void oomKilled() {
        oomKills.increment();
    }

    /** Publishes the event {@code event} makes, made only when someone listens. */
    void publish(Supplier<Event> event) {
        if (subscribers.isEmpty()) {
            return;
        }
        var made = event.get();
        for (var subscriber : subscribers) {
            if (!subscriber.queue.offer(made)) {
                dropped.increment();
            }
        }
    }
}
