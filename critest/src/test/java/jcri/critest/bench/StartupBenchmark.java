package jcri.critest.bench;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import jcri.api.v1.VersionRequest;
import jcri.critest.CriClient;
import jcri.critest.JcridProcess;

/**
 * How fast the packaged jcrid answers its first RPC after exec, and its idle RSS. Runs the
 * launcher's JVM flags ({@code deploy/bin/jcrid}), so the numbers are what a node sees.
 * Run: {@code ./mvnw -q -pl critest test-compile exec:java -Dexec.classpathScope=test
 * -Dexec.mainClass=jcri.critest.bench.StartupBenchmark} or from an IDE; argument: runs (default 5).
 */
public final class StartupBenchmark {
    private StartupBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        warmUpClient();
        var firstRpc = new ArrayList<Long>();
        var rss = new ArrayList<Long>();
        for (int i = 0; i <= runs; i++) {
            var dir = Files.createTempDirectory("jcri-startup-");
            long start = System.nanoTime();
            try (var jcrid = JcridProcess.launch(dir, "", true)) {
                long answered = awaitFirstVersion(jcrid);
                Thread.sleep(12_000); // past the heap trim jcrid does 10 s after start
                long kib = ProcessMemory.rssKib(jcrid.process().pid());
                if (i > 0) { // the first run only warms the page cache
                    firstRpc.add((answered - start) / 1_000_000);
                    rss.add(kib / 1024);
                }
            }
        }
        System.out.printf("jcrid start -> first Version answered: median %d ms %s%n", median(firstRpc), firstRpc);
        System.out.printf("jcrid idle RSS after 12 s: median %d MiB %s%n", median(rss), rss);
    }

    /** Loads the benchmark's own gRPC client classes first, so their start-up is not counted as jcrid's. */
    private static void warmUpClient() throws Exception {
        var dir = Files.createTempDirectory("jcri-startup-warmup-");
        try (var jcrid = JcridProcess.start(dir, "")) {
            awaitFirstVersion(jcrid);
        }
    }

    private static long awaitFirstVersion(JcridProcess jcrid) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            if (Files.exists(jcrid.socket())) {
                try (var cri = new CriClient(jcrid.endpoint())) {
                    cri.runtime().withDeadlineAfter(2, TimeUnit.SECONDS).version(VersionRequest.getDefaultInstance());
                    return System.nanoTime();
                } catch (io.grpc.StatusRuntimeException notYet) {
                    // not serving yet
                }
            }
            Thread.sleep(2);
        }
        throw new IllegalStateException("jcrid did not answer:\n" + jcrid.log());
    }

    static long median(List<Long> values) {
        var sorted = values.stream().sorted().toList();
        return sorted.get(sorted.size() / 2);
    }
}
