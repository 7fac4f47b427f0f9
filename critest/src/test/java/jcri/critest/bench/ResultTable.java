package jcri.critest.bench;

import java.io.PrintStream;
import java.util.List;
import java.util.function.Function;

/** Prints one or more {@link BenchmarkResult}s as one table, the runtimes side by side in the same rows. */
public final class ResultTable {
    private static final String NAME = "%-40s";
    private static final String CELL = "%10s";

    private final List<BenchmarkResult> results;
    private final PrintStream out;

    private ResultTable(List<BenchmarkResult> results, PrintStream out) {
        this.results = results;
        this.out = out;
    }

    public static void print(List<BenchmarkResult> results, PrintStream out) {
        new ResultTable(results, out).print();
    }

    private void print() {
        for (var r : results) {
            out.printf("%s: %s at %s, handler \"%s\", monitor %s%n", r.label(), r.runtime(), r.endpoint(), r.handler(),
                    r.memory().monitor());
        }
        header("latency (ms, " + results.getFirst().runs() + " runs after warm-up)", "median", "p95", "max");
        for (var name : results.getFirst().latencies().keySet()) {
            row(name, r -> {
                var l = r.latencies().get(name);
                return l == null ? cells("-", "-", "-") : cells(ms(l.median()), ms(l.p95()), ms(l.max()));
            });
        }
        header("parallel pod+container starts", "pods/s", "p95 ms", "max ms");
        for (int i = 0; i < results.getFirst().parallel().size(); i++) {
            var first = results.getFirst().parallel().get(i);
            int index = i;
            row(first.pods() + " pods, concurrency " + first.concurrency(), r -> {
                var p = r.parallel().get(index);
                return cells(ms(p.podsPerSecond()), ms(p.podLatency().p95()), ms(p.podLatency().max()));
            });
        }
        var pull = results.getFirst().pull();
        header("pull + unpack (median of " + pull.runs() + ")", "seconds", "MB/s", "MB");
        row(pull.layers() + " layers, incompressible", r -> cells("%.2f".formatted(r.pull().medianSeconds()),
                ms(r.pull().medianMBps()), ms(r.pull().compressedBytes() / 1e6)));
        var memory = results.getFirst().memory();
        header("memory, " + memory.containers() + " running containers", "RSS MiB", "PSS MiB", "processes");
        row("daemon", r -> usage(r.memory().daemon(), 1));
        row("monitors, total", r -> usage(r.memory().monitorsTotal(), r.memory().monitors()));
        row("monitors per container", r -> usage(r.memory().perContainer(), 0));
        row("daemon + monitors", r -> usage(r.memory().daemon().plus(r.memory().monitorsTotal()), r.memory().monitors() + 1));
    }

    private void header(String title, String... columns) {
        out.println();
        var line = new StringBuilder(NAME.formatted(title));
        for (var r : results) {
            line.append(" |").append(("%-" + (10 * columns.length) + "s").formatted(" " + r.label()));
        }
        out.println(line);
        var names = new StringBuilder(NAME.formatted(""));
        for (int i = 0; i < results.size(); i++) {
            names.append(" |").append(cells(columns));
        }
        out.println(names);
    }

    private void row(String name, Function<BenchmarkResult, String> cells) {
        var line = new StringBuilder(NAME.formatted(name));
        for (var r : results) {
            line.append(" |").append(cells.apply(r));
        }
        out.println(line);
    }

    private static String usage(ProcessMemory.Usage usage, int processes) {
        return cells("%.1f".formatted(usage.rssKib() / 1024.0), "%.1f".formatted(usage.pssKib() / 1024.0),
                processes == 0 ? "" : Integer.toString(processes));
    }

    private static String ms(double value) {
        return "%.1f".formatted(value);
    }

    private static String cells(String... values) {
        var s = new StringBuilder();
        for (var v : values) {
            s.append(CELL.formatted(v));
        }
        return s.toString();
    }
}
