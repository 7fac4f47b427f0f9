package jcri.critest.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.util.ArrayList;

/**
 * Prints the JSON files of several {@link CriBenchmark} runs (e.g. jcri and containerd) as one table,
 * side by side. Arguments: the JSON files. Run it with {@code critest/bin/cri-benchmark --compare FILE...}.
 */
public final class CompareBenchmarks {
    private CompareBenchmarks() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 0) {
            System.err.println("usage: CompareBenchmarks RESULT.json...");
            System.exit(2);
        }
        var json = new ObjectMapper();
        var results = new ArrayList<BenchmarkResult>();
        for (var file : args) {
            results.add(json.readValue(new File(file), BenchmarkResult.class));
        }
        ResultTable.print(results, System.out);
    }
}
