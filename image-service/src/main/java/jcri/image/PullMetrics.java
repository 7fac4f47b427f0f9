package jcri.image;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;

/** Prometheus meters of image pulls: pulls by result, bytes downloaded, pull duration. */
final class PullMetrics {
    private final MeterRegistry registry;
    private final Counter bytes;
    private final Timer duration;

    PullMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.bytes = Counter.builder("jcri_image_pull_bytes").description("Bytes downloaded from registries").register(registry);
        this.duration = Timer.builder("jcri_image_pull_duration").description("Time to pull and unpack an image")
                .publishPercentileHistogram().register(registry);
    }

    void bytes(long n) {
        bytes.increment(n);
    }

    void finished(String result, Duration took) {
        Counter.builder("jcri_image_pulls").description("Image pulls by result").tag("result", result).register(registry).increment();
        duration.record(took);
    }
}
