package jcri.image;

import io.grpc.Status;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;

/**
 * Prometheus meters of image pulls, named as CRI-O names its own: {@code container_runtime_jcri_image_pulls_success_total},
 * {@code container_runtime_jcri_image_pulls_failure_total{error}}, {@code container_runtime_jcri_image_pulls_bytes_total},
 * {@code container_runtime_jcri_image_layer_reuse_total}; and the time a pull took,
 * {@code container_runtime_jcri_image_pull_duration_seconds}.
 */
final class PullMetrics {
    private final MeterRegistry registry;
    private final Counter succeeded;
    private final Counter bytes;
    private final Counter layersReused;
    private final Timer duration;

    PullMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.succeeded = Counter.builder("container_runtime_jcri_image_pulls_success").description("Successful image pulls")
                .register(registry);
        this.bytes = Counter.builder("container_runtime_jcri_image_pulls_bytes").description("Bytes downloaded from registries")
                .register(registry);
        this.layersReused = Counter.builder("container_runtime_jcri_image_layer_reuse")
                .description("Layers of pulled images that were already unpacked, so not downloaded").register(registry);
        this.duration = Timer.builder("container_runtime_jcri_image_pull_duration").description("Time to pull and unpack an image")
                .publishPercentileHistogram().register(registry);
    }

    void bytes(long n) {
        bytes.increment(n);
    }

    void layerReused() {
        layersReused.increment();
    }

    void succeeded(Duration took) {
        succeeded.increment();
        duration.record(took);
    }

    /** A pull that failed with {@code code}, counted under its error category. */
    void failed(Status.Code code, Duration took) {
        Counter.builder("container_runtime_jcri_image_pulls_failure").description("Failed image pulls by error category")
                .tag("error", category(code)).register(registry).increment();
        duration.record(took);
    }

    /**
     * CRI-O's category of a failure with {@code code}, where one fits ({@code NOT_FOUND}, {@code UNAUTHORIZED},
     * {@code DENIED}, {@code UNAVAILABLE}, {@code CONNECTION_TIMEOUT}); a cancelled pull is
     * {@code CANCELLED}, anything else {@code UNKNOWN}.
     */
    static String category(Status.Code code) {
        return switch (code) {
            case NOT_FOUND -> "NOT_FOUND";
            case UNAUTHENTICATED -> "UNAUTHORIZED";
            case PERMISSION_DENIED -> "DENIED";
            case UNAVAILABLE -> "UNAVAILABLE";
            case DEADLINE_EXCEEDED -> "CONNECTION_TIMEOUT";
            case CANCELLED -> "CANCELLED";
            default -> "UNKNOWN";
        };
    }
}
