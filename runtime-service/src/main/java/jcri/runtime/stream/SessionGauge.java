package jcri.runtime.stream;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** Counts the streaming sessions under way by kind ({@code container_runtime_jcri_stream_sessions{kind=exec|exec_sync|attach|portforward}}). */
public final class SessionGauge {
    private final MeterRegistry registry;
    private final Map<String, AtomicInteger> open = new ConcurrentHashMap<>();

    SessionGauge(MeterRegistry registry) {
        this.registry = registry;
    }

    /** Counts one session of {@code kind} until the returned handle is closed. */
    Handle open(String kind) {
        var count = open.computeIfAbsent(kind,
                k -> registry.gauge("container_runtime_jcri_stream_sessions", Tags.of("kind", k), new AtomicInteger()));
        count.incrementAndGet();
        return new Handle(count);
    }

    public record Handle(AtomicInteger count) implements AutoCloseable {
        @Override
        public void close() {
            count.decrementAndGet();
        }
    }
}
