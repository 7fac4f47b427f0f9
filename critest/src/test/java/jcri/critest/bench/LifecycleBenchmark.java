package jcri.critest.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import jcri.api.v1.ImageSpec;
import jcri.api.v1.PullImageRequest;
import jcri.api.v1.RemoveContainerRequest;
import jcri.api.v1.RemovePodSandboxRequest;
import jcri.api.v1.StartContainerRequest;
import jcri.api.v1.StopContainerRequest;
import jcri.api.v1.StopPodSandboxRequest;
import jcri.critest.CriClient;
import jcri.critest.JcridProcess;
import jcri.critest.Pods;
import jcri.critest.TestNetwork;

/**
 * Latency of each pod and container lifecycle RPC (median, p95, max over N runs, CNI bridge
 * networking, busybox {@code sleep}), then the RSS of jcrid plus every conmon with {@code pods}
 * pods of one running container each. Runs the packaged daemon through its launcher.
 * Arguments: runs (20), pods (20), runtime handler (runc).
 */
public final class LifecycleBenchmark {
    private LifecycleBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        int podCount = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        var handler = args.length > 2 ? args[2] : "runc";
        var dir = Files.createTempDirectory("jcri-lifecycle-bench-");
        TestNetwork.write(dir.resolve("net.d"), dir.resolve("ipam"));
        var timings = new LinkedHashMap<String, List<Double>>();
        try (var jcrid = JcridProcess.launch(dir, "[runtime]\ndefault_handler = \"" + handler + "\"\n", true)) {
            jcrid.awaitSocket(java.time.Duration.ofSeconds(60));
            try (var cri = new CriClient(jcrid.endpoint())) {
                var image = Pods.busybox(cri);
                cri.images().pullImage(PullImageRequest.newBuilder().setImage(ImageSpec.newBuilder().setImage(image)).build());
                for (int i = -3; i < runs; i++) { // three warm-up rounds
                    var pod = Pods.config("bench-" + i).build();
                    var config = Pods.shell(cri, "c", "exec sleep 1000").build();
                    var podId = time(timings, i, "RunPodSandbox", () -> Pods.run(cri, pod));
                    var id = time(timings, i, "CreateContainer", () -> Pods.create(cri, podId, pod, config));
                    time(timings, i, "StartContainer", () -> cri.runtime().startContainer(StartContainerRequest.newBuilder().setContainerId(id).build()));
                    time(timings, i, "StopContainer(0)", () -> cri.runtime().stopContainer(StopContainerRequest.newBuilder().setContainerId(id).setTimeout(0).build()));
                    time(timings, i, "RemoveContainer", () -> cri.runtime().removeContainer(RemoveContainerRequest.newBuilder().setContainerId(id).build()));
                    time(timings, i, "StopPodSandbox", () -> cri.runtime().stopPodSandbox(StopPodSandboxRequest.newBuilder().setPodSandboxId(podId).build()));
                    time(timings, i, "RemovePodSandbox", () -> cri.runtime().removePodSandbox(RemovePodSandboxRequest.newBuilder().setPodSandboxId(podId).build()));
                }
                System.out.printf("%-20s %8s %8s %8s   (ms over %d runs, %s)%n", "RPC", "median", "p95", "max", runs, handler);
                timings.forEach((rpc, values) -> {
                    var sorted = values.stream().sorted().toList();
                    System.out.printf("%-20s %8.1f %8.1f %8.1f%n", rpc, sorted.get(sorted.size() / 2),
                            sorted.get((int) Math.ceil(sorted.size() * 0.95) - 1), sorted.getLast());
                });
                var podIds = new ArrayList<String>();
                for (int i = 0; i < podCount; i++) {
                    var pod = Pods.config("rss-" + i).build();
                    var podId = Pods.run(cri, pod);
                    podIds.add(podId);
                    Pods.start(cri, podId, pod, Pods.shell(cri, "c", "exec sleep 1000").build());
                }
                Thread.sleep(3000);
                long jcridKib = rssKib(jcrid.process().pid());
                long conmonKib = 0;
                int conmons = 0;
                for (var p : ProcessHandle.allProcesses().toList()) {
                    if (p.info().command().orElse("").endsWith("/conmon")) {
                        conmonKib += rssKib(p.pid());
                        conmons++;
                    }
                }
                System.out.printf("%d pods with one running container: jcrid RSS %.1f MiB + %d conmon RSS %.1f MiB = %.1f MiB%n",
                        podCount, jcridKib / 1024.0, conmons, conmonKib / 1024.0, (jcridKib + conmonKib) / 1024.0);
                Thread.sleep(Long.getLong("bench.holdMillis", 0)); // time to inspect the loaded daemon (jcmd, pmap)
                for (var podId : podIds) {
                    cri.runtime().stopPodSandbox(StopPodSandboxRequest.newBuilder().setPodSandboxId(podId).build());
                    cri.runtime().removePodSandbox(RemovePodSandboxRequest.newBuilder().setPodSandboxId(podId).build());
                }
            }
        }
        System.exit(0);
    }

    private static <T> T time(Map<String, List<Double>> timings, int run, String rpc, Supplier<T> call) {
        long t0 = System.nanoTime();
        var result = call.get();
        if (run >= 0) {
            timings.computeIfAbsent(rpc, k -> new ArrayList<>()).add((System.nanoTime() - t0) / 1e6);
        }
        return result;
    }

    private static void time(Map<String, List<Double>> timings, int run, String rpc, Runnable call) {
        time(timings, run, rpc, () -> {
            call.run();
            return null;
        });
    }

    static long rssKib(long pid) {
        try {
            for (var line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("\\D", ""));
                }
            }
        } catch (java.io.IOException e) {
            return 0;
        }
        return 0;
    }
}
