package jcri.image;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.grpc.Status;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class PullMetricsTest {
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final PullMetrics metrics = new PullMetrics(registry);

    @Test
    void pullsAreCountedAsCriOCountsThem() {
        metrics.succeeded(Duration.ofSeconds(2));
        metrics.failed(Status.Code.NOT_FOUND, Duration.ofSeconds(1));
        metrics.failed(Status.Code.NOT_FOUND, Duration.ofSeconds(1));
        metrics.bytes(512);
        metrics.layerReused();
        assertEquals(1, registry.get("container_runtime_jcri_image_pulls_success").counter().count());
        assertEquals(2, registry.get("container_runtime_jcri_image_pulls_failure").tag("error", "NOT_FOUND").counter().count());
        assertEquals(512, registry.get("container_runtime_jcri_image_pulls_bytes").counter().count());
        assertEquals(1, registry.get("container_runtime_jcri_image_layer_reuse").counter().count());
        assertEquals(3, registry.get("container_runtime_jcri_image_pull_duration").timer().count());
    }

    @Test
    void failuresFallIntoCriOsErrorCategories() {
        assertEquals("NOT_FOUND", PullMetrics.category(Status.Code.NOT_FOUND));
        assertEquals("UNAUTHORIZED", PullMetrics.category(Status.Code.UNAUTHENTICATED));
        assertEquals("DENIED", PullMetrics.category(Status.Code.PERMISSION_DENIED));
        assertEquals("UNAVAILABLE", PullMetrics.category(Status.Code.UNAVAILABLE));
        assertEquals("CONNECTION_TIMEOUT", PullMetrics.category(Status.Code.DEADLINE_EXCEEDED));
        assertEquals("CANCELLED", PullMetrics.category(Status.Code.CANCELLED));
        assertEquals("UNKNOWN", PullMetrics.category(Status.Code.INTERNAL));
    }
}
