package jcri.critest.bench;

import java.util.List;

/** Median, 95th percentile and maximum of {@code count} latencies, in milliseconds. */
public record Latency(double median, double p95, double max, int count) {
    public static Latency of(List<Double> millis) {
        if (millis.isEmpty()) {
            throw new IllegalArgumentException("no samples");
        }
        var sorted = millis.stream().sorted().toList();
        return new Latency(sorted.get(sorted.size() / 2), sorted.get((int) Math.ceil(sorted.size() * 0.95) - 1),
                sorted.getLast(), sorted.size());
    }
}
