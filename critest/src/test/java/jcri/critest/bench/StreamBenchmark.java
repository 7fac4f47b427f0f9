package jcri.critest.bench;

import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import jcri.api.v1.ExecSyncRequest;
import jcri.api.v1.PortForwardRequest;
import jcri.critest.CriClient;
import jcri.critest.JcridProcess;
import jcri.critest.Pods;
import jcri.critest.SpdyClient;
import jcri.critest.TestNetwork;

/**
 * ExecSync latency (a {@code true} command, median and p95 over N calls) and port-forward
 * throughput (an HTTP GET of a 100 MiB file from busybox httpd in a pod, over SPDY through
 * jcri's streaming server, loopback). Runs the packaged daemon through its launcher.
 * Arguments: exec calls (100), transfers (5).
 */
public final class StreamBenchmark {
    private static final int SIZE = 100 << 20;

    private StreamBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int calls = args.length > 0 ? Integer.parseInt(args[0]) : 100;
        int transfers = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        var dir = Files.createTempDirectory("jcri-stream-bench-");
        TestNetwork.write(dir.resolve("net.d"), dir.resolve("ipam"));
        try (var jcrid = JcridProcess.launch(dir, "", true)) {
            jcrid.awaitSocket(Duration.ofSeconds(60));
            try (var cri = new CriClient(jcrid.endpoint())) {
                var pod = Pods.config("stream-bench").build();
                var podId = Pods.run(cri, pod);
                var container = Pods.start(cri, podId, pod, Pods.shell(cri, "web", "mkdir -p /www && head -c " + SIZE
                        + " /dev/zero > /www/big && exec httpd -f -p 8080 -h /www").build());
                var latencies = new ArrayList<Double>();
                for (int i = -10; i < calls; i++) {
                    long t0 = System.nanoTime();
                    cri.runtime().execSync(ExecSyncRequest.newBuilder().setContainerId(container).addCmd("true").setTimeout(10).build());
                    if (i >= 0) {
                        latencies.add((System.nanoTime() - t0) / 1e6);
                    }
                }
                var latency = Latency.of(latencies);
                System.out.printf("ExecSync true: median %.1f ms, p95 %.1f ms, max %.1f ms over %d calls%n",
                        latency.median(), latency.p95(), latency.max(), calls);
                awaitServer(cri, container);
                var rates = new ArrayList<Double>();
                for (int i = -1; i < transfers; i++) {
                    var url = cri.runtime().portForward(PortForwardRequest.newBuilder().setPodSandboxId(podId).addPort(8080).build()).getUrl();
                    try (var client = SpdyClient.connect(url, List.of("portforward.k8s.io"))) {
                        client.open(Map.of("streamtype", "error", "port", "8080", "requestid", "0"));
                        var data = client.open(Map.of("streamtype", "data", "port", "8080", "requestid", "0"));
                        long t0 = System.nanoTime();
                        data.write("GET /big HTTP/1.0\r\n\r\n");
                        data.close();
                        long bytes = data.received.countUntilEnd(Duration.ofMinutes(5));
                        double seconds = (System.nanoTime() - t0) / 1e9;
                        if (bytes < SIZE) {
                            throw new IllegalStateException("got " + bytes + " bytes, expected over " + SIZE);
                        }
                        if (i >= 0) {
                            rates.add(bytes / 1e6 / seconds);
                        }
                    }
                }
                var sortedRates = rates.stream().sorted().toList();
                System.out.printf("port-forward 100 MiB over SPDY: median %.1f MB/s (runs: %s)%n", sortedRates.get(sortedRates.size() / 2),
                        rates.stream().map(r -> String.format("%.1f", r)).toList());
                Pods.destroy(cri, podId);
            }
        }
    }

    private static void awaitServer(CriClient cri, String container) throws InterruptedException {
        for (int i = 0; i < 100; i++) {
            var probe = cri.runtime().execSync(ExecSyncRequest.newBuilder().setContainerId(container).setTimeout(10)
                    .addAllCmd(List.of("sh", "-c", "nc 127.0.0.1 8080 </dev/null && echo up")).build());
            if (probe.getStdout().toStringUtf8().contains("up")) {
                return;
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("httpd did not come up");
    }
}
