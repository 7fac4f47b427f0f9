package jcri.daemon;

import io.grpc.Status;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * CRI calls counted as CRI-O counts its operations, labelled {@code operation} (the RPC's name, e.g. {@code RunPodSandbox}):
 * {@code container_runtime_jcri_operations_total}, {@code container_runtime_jcri_operations_errors_total} and
 * {@code container_runtime_jcri_operations_latency_seconds} (the latest call's latency).
 */
final class OperationMetrics {
    private final MeterRegistry registry;
    private final Map<String, Operation> operations = new ConcurrentHashMap<>();

    OperationMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    private record Operation(Counter total, Counter errors, AtomicLong latestNanos) {
    }

    void record(String operation, Status.Code code, long nanos) {
        var meters = operations.computeIfAbsent(operation, this::register);
        meters.total().increment();
        if (code != Status.Code.OK) {
            meters.errors().increment();
        }
        meters.latestNanos().set(nanos);
    }

    private Operation register(String operation) {
        var latest = new AtomicLong();
        Gauge.builder("container_runtime_jcri_operations_latency_seconds", latest, nanos -> nanos.get() / 1e9)
                .description("Latency in seconds of the latest CRI call, by operation.").tag("operation", operation).register(registry);
        return new Operation(
                Counter.builder("container_runtime_jcri_operations").description("CRI calls by operation.")
                        .tag("operation", operation).register(registry),
                Counter.builder("container_runtime_jcri_operations_errors").description("CRI calls that failed, by operation.")
                        .tag("operation", operation).register(registry),
                latest);
    }
}
