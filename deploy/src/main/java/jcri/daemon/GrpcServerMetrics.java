package jcri.daemon;

import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The server metrics go-grpc-prometheus gives a Go gRPC server (containerd's), with its names, labels and histogram
 * buckets: {@code grpc_server_started_total}, {@code grpc_server_handled_total} (with {@code grpc_code}),
 * {@code grpc_server_handling_seconds}, {@code grpc_server_msg_received_total} and {@code grpc_server_msg_sent_total},
 * labelled {@code grpc_type}, {@code grpc_service} and {@code grpc_method}.
 */
final class GrpcServerMetrics {
    /** The Prometheus client's default buckets, which go-grpc-prometheus uses. */
    private static final Duration[] BUCKETS = {Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50),
            Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2500),
            Duration.ofSeconds(5), Duration.ofSeconds(10)};

    private final MeterRegistry registry;
    private final Map<String, Method> methods = new ConcurrentHashMap<>();

    GrpcServerMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /** The meters of one method, labelled once. */
    final class Method {
        private final Tags tags;
        private final Counter started;
        private final Counter received;
        private final Counter sent;
        private final Timer handling;

        private Method(MethodDescriptor<?, ?> method) {
            tags = Tags.of("grpc_type", GrpcLabels.type(method.getType()), "grpc_service", method.getServiceName(),
                    "grpc_method", method.getBareMethodName());
            started = Counter.builder("grpc_server_started").description("Total number of RPCs started on the server.")
                    .tags(tags).register(registry);
            received = Counter.builder("grpc_server_msg_received").description("Total number of RPC stream messages received on the server.")
                    .tags(tags).register(registry);
            sent = Counter.builder("grpc_server_msg_sent").description("Total number of gRPC stream messages sent by the server.")
                    .tags(tags).register(registry);
            handling = Timer.builder("grpc_server_handling")
                    .description("Histogram of response latency (seconds) of gRPC that had been application-level handled by the server.")
                    .tags(tags).serviceLevelObjectives(BUCKETS).register(registry);
        }

        void started() {
            started.increment();
        }

        void received() {
            received.increment();
        }

        void sent() {
            sent.increment();
        }

        void handled(Status.Code code, long nanos) {
            Counter.builder("grpc_server_handled").description("Total number of RPCs completed on the server, regardless of success or failure.")
                    .tags(tags).tag("grpc_code", GrpcLabels.code(code)).register(registry).increment();
            handling.record(nanos, TimeUnit.NANOSECONDS);
        }
    }

    Method of(MethodDescriptor<?, ?> method) {
        return methods.computeIfAbsent(method.getFullMethodName(), name -> new Method(method));
    }
}
