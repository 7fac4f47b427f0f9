package jcri.critest.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;

/**
 * Puts two runs of upstream {@code critest -benchmark} side by side: reads the
 * {@code *_benchmark_data.json} files each run wrote ({@code -benchmarking-output-dir}: per benchmark the
 * operation names and, per sample, each operation's duration) and prints one Markdown table with the
 * median and 90th percentile of every operation, in milliseconds, for both runtimes.
 * Arguments: the first runtime's output directory, the second's; their names are the directory
 * names after {@code benchmark-}.
 */
public final class UpstreamBenchmarkTable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private UpstreamBenchmarkTable() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 2) {
            System.err.println("usage: UpstreamBenchmarkTable FIRST_OUTPUT_DIR SECOND_OUTPUT_DIR");
            System.exit(2);
        }
        var first = Path.of(args[0]);
        var second = Path.of(args[1]);
        var a = name(first);
        var b = name(second);
        System.out.printf("| benchmark | operation | samples | %s median | %s median | %s p90 | %s p90 |%n", a, b, a, b);
        System.out.println("|---|---|---:|---:|---:|---:|---:|");
        var files = new TreeSet<String>();
        for (var dir : List.of(first, second)) {
            try (var list = Files.list(dir)) {
                list.map(p -> p.getFileName().toString()).filter(n -> n.endsWith("_benchmark_data.json")).forEach(files::add);
            }
        }
        for (var file : files) {
            var left = read(first.resolve(file));
            var right = read(second.resolve(file));
            var operations = (left != null ? left : right).path("operationsNames");
            for (int i = 0; i < operations.size(); i++) {
                var x = durations(left, i);
                var y = durations(right, i);
                System.out.printf("| %s | %s | %d | %s | %s | %s | %s |%n", file.replace("_benchmark_data.json", ""),
                        operations.get(i).asText(), Math.max(x.size(), y.size()),
                        millis(x, 50), millis(y, 50), millis(x, 90), millis(y, 90));
            }
        }
    }

    private static String name(Path dir) {
        var name = dir.toAbsolutePath().normalize().getFileName().toString();
        return name.startsWith("benchmark-") ? name.substring("benchmark-".length()) : name;
    }

    private static JsonNode read(Path file) throws IOException {
        return Files.exists(file) ? JSON.readTree(file.toFile()) : null;
    }

    /** Operation {@code index}'s durations (ns) over every sample, sorted. */
    private static List<Long> durations(JsonNode results, int index) {
        var out = new ArrayList<Long>();
        if (results != null) {
            for (var point : results.path("datapoints")) {
                var durations = point.path("operationsDurationsNs");
                if (durations.size() > index) {
                    out.add(durations.get(index).asLong());
                }
            }
        }
        out.sort(null);
        return out;
    }

    /** The {@code percentile}th value (nearest rank) in milliseconds, or "–" without samples. */
    private static String millis(List<Long> sorted, int percentile) {
        if (sorted.isEmpty()) {
            return "–";
        }
        int rank = (int) Math.ceil(percentile / 100.0 * sorted.size());
        return String.format(Locale.ROOT, "%.1f", sorted.get(Math.max(rank, 1) - 1) / 1e6);
    }
}
