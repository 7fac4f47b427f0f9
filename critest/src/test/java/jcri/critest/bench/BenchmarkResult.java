package jcri.critest.bench;

import java.util.List;
import java.util.Map;

/**
 * Everything one {@link CriBenchmark} run measured against one runtime; written as JSON and read back by
 * {@link CompareBenchmarks}. Latencies are keyed by RPC (or step) name, in measurement order.
 */
public record BenchmarkResult(String label, String endpoint, String runtime, String handler, int runs,
                              Map<String, Latency> latencies, List<ParallelStart> parallel, Pull pull, Memory memory) {

    /** {@code pods} pods of one container each, started (run + create + start) by {@code concurrency} clients. */
    public record ParallelStart(int concurrency, int pods, double seconds, double podsPerSecond, Latency podLatency) {
    }

    /** Pull + unpack of an image of {@code layers} layers, {@code compressedBytes} in all, over {@code runs} runs. */
    public record Pull(String image, int layers, long compressedBytes, int runs, double medianSeconds, double medianMBps,
                       List<Double> seconds) {
    }

    /**
     * Memory with {@code containers} running containers: the daemon's, the sum over the {@code monitors}
     * monitor processes (named {@code monitor}), and that sum per container; KiB.
     */
    public record Memory(int containers, long daemonPid, ProcessMemory.Usage daemon, String monitor, int monitors,
                         ProcessMemory.Usage monitorsTotal, ProcessMemory.Usage perContainer) {
    }
}
