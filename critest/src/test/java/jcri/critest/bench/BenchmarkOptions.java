package jcri.critest.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * {@link CriBenchmark}'s command line. Without {@code --endpoint} or {@code --containerd} it starts the
 * packaged jcrid itself.
 */
record BenchmarkOptions(String endpoint, boolean containerd, int runs, int pods, List<Integer> concurrency,
                        int pullLayers, int pullMiB, int pullRuns, Path json, String label, String handler,
                        String monitor, long daemonPid) {
    static final String USAGE = """
            CriBenchmark [--endpoint unix:///path.sock | --containerd] [--runs N] [--pods N] [--concurrency 10,50]
                         [--pull-layers 8] [--pull-mib 100] [--pull-runs 5] [--json FILE] [--label NAME]
                         [--handler NAME] [--monitor NAME] [--daemon-pid PID]
              --endpoint     a running CRI runtime (default: start the packaged jcrid from deploy/target/jcrid)
              --containerd   start a private containerd through critest/bin/containerd-bench
              --runs         samples per latency, after 3 warm-up rounds (20)
              --pods         pods started in parallel at each concurrency; the last batch stays up for the
                             list and memory figures (100)
              --pull-*       layers and total MiB of the generated image; timed pulls after one warm-up
              --label        name in the table and JSON (default: the runtime's name from Version)
              --handler      runtime handler for RunPodSandbox ("" = the runtime's default)
              --monitor      name of the per-container monitor process (conmon; containerd-shim-runc-v2 with
                             --containerd)
              --daemon-pid   the daemon's pid for an --endpoint (default: the listener of the socket, from ss -xlpn)
            """;

    static BenchmarkOptions parse(String[] args) {
        String endpoint = null;
        var containerd = false;
        int runs = 20;
        int pods = 100;
        List<Integer> concurrency = List.of(10, 50);
        int pullLayers = 8;
        int pullMiB = 100;
        int pullRuns = 5;
        Path json = null;
        String label = null;
        var handler = "";
        String monitor = null;
        long daemonPid = 0;
        var rest = new ArrayList<>(Arrays.asList(args));
        while (!rest.isEmpty()) {
            var option = rest.removeFirst();
            if (option.equals("--containerd")) {
                containerd = true;
                continue;
            }
            if (option.equals("--help")) {
                throw new IllegalArgumentException(USAGE);
            }
            if (rest.isEmpty()) {
                throw new IllegalArgumentException(option + " needs a value\n" + USAGE);
            }
            var value = rest.removeFirst();
            switch (option) {
                case "--endpoint" -> endpoint = value.startsWith("unix://") ? value : "unix://" + value;
                case "--runs" -> runs = Integer.parseInt(value);
                case "--pods" -> pods = Integer.parseInt(value);
                case "--concurrency" -> concurrency = Arrays.stream(value.split(",")).map(Integer::parseInt).toList();
                case "--pull-layers" -> pullLayers = Integer.parseInt(value);
                case "--pull-mib" -> pullMiB = Integer.parseInt(value);
                case "--pull-runs" -> pullRuns = Integer.parseInt(value);
                case "--json" -> json = Path.of(value);
                case "--label" -> label = value;
                case "--handler" -> handler = value;
                case "--monitor" -> monitor = value;
                case "--daemon-pid" -> daemonPid = Long.parseLong(value);
                default -> throw new IllegalArgumentException("unknown option " + option + "\n" + USAGE);
            }
        }
        if (endpoint != null && containerd) {
            throw new IllegalArgumentException("--endpoint and --containerd exclude each other\n" + USAGE);
        }
        if (runs < 1 || pods < 1 || pullLayers < 1 || pullMiB < 1 || pullRuns < 1 || concurrency.isEmpty()) {
            throw new IllegalArgumentException("counts must be positive\n" + USAGE);
        }
        return new BenchmarkOptions(endpoint, containerd, runs, pods, concurrency, pullLayers, pullMiB, pullRuns, json,
                label, handler, monitor, daemonPid);
    }
}
