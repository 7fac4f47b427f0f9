package jcri.critest.bench;

import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import jcri.api.v1.ContainerState;
import jcri.api.v1.ListContainerStatsRequest;
import jcri.api.v1.ListContainersRequest;
import jcri.api.v1.ListPodSandboxRequest;
import jcri.api.v1.ListPodSandboxStatsRequest;
import jcri.api.v1.PodSandboxState;
import jcri.critest.CriClient;
import jcri.critest.JcridProcess;
import jcri.critest.Pods;
import jcri.critest.TestNetwork;

/**
 * The node-duty figures: ListContainerStats with {@code pods × perPod} running containers,
 * ListPodSandboxStats over the pods (median, p95, max over N calls), and the time jcrid takes,
 * after a SIGKILL, from process start until it lists every pod ready and every container running
 * again (JVM start included; median of R restarts). Runs the packaged daemon through its launcher.
 * Arguments: pods (20), containers per pod (5), calls (100), restarts (5).
 */
public final class NodeDutyBenchmark {
    private NodeDutyBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int pods = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        int perPod = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        int calls = args.length > 2 ? Integer.parseInt(args[2]) : 100;
        int restarts = args.length > 3 ? Integer.parseInt(args[3]) : 5;
        var dir = Files.createTempDirectory("jcri-nodeduty-bench-");
        TestNetwork.write(dir.resolve("net.d"), dir.resolve("ipam"));
        var podIds = new ArrayList<String>();
        var jcrid = JcridProcess.launch(dir, "", true);
        jcrid.awaitSocket(Duration.ofSeconds(60));
        try {
            try (var cri = new CriClient(jcrid.endpoint())) {
                Pods.busybox(cri);
                for (int p = 0; p < pods; p++) {
                    var pod = Pods.config("duty-" + p).build();
                    var podId = Pods.run(cri, pod);
                    podIds.add(podId);
                    for (int c = 0; c < perPod; c++) {
                        Pods.start(cri, podId, pod, Pods.shell(cri, "c" + c, "exec sleep 100000").build());
                    }
                }
                int containers = pods * perPod;
                print("ListContainerStats (" + containers + " containers)", time(calls, () -> cri.runtime()
                        .listContainerStats(ListContainerStatsRequest.getDefaultInstance()).getStatsCount()), containers);
                print("ListPodSandboxStats (" + pods + " pods)", time(calls, () -> cri.runtime()
                        .listPodSandboxStats(ListPodSandboxStatsRequest.getDefaultInstance()).getStatsCount()), pods);
            }
            var recoveries = new ArrayList<Double>();
            for (int r = 0; r < restarts; r++) {
                jcrid.kill();
                long started = System.nanoTime();
                jcrid = JcridProcess.launch(dir, "", true);
                jcrid.awaitSocket(Duration.ofSeconds(60));
                try (var cri = new CriClient(jcrid.endpoint())) {
                    var listed = cri.runtime().listContainers(ListContainersRequest.getDefaultInstance()).getContainersList();
                    var ready = cri.runtime().listPodSandbox(ListPodSandboxRequest.getDefaultInstance()).getItemsList();
                    recoveries.add((System.nanoTime() - started) / 1e6);
                    if (listed.size() != pods * perPod || listed.stream().anyMatch(c -> c.getState() != ContainerState.CONTAINER_RUNNING)
                            || ready.size() != pods || ready.stream().anyMatch(p -> p.getState() != PodSandboxState.SANDBOX_READY)) {
                        throw new IllegalStateException("after restart " + r + " not everything was found running: "
                                + listed.size() + " containers, " + ready.size() + " pods");
                    }
                }
            }
            print("recovery after kill -9 (" + pods + " pods, " + pods * perPod + " containers, to socket + both lists)",
                    recoveries, pods);
        } finally {
            try (var cri = new CriClient(jcrid.endpoint())) {
                for (var podId : podIds) {
                    Pods.destroy(cri, podId);
                }
            }
            jcrid.close();
        }
        System.exit(0);
    }

    /** Times {@code calls} calls after 10 unmeasured ones; each call returns how many items it listed. */
    private static List<Double> time(int calls, Supplier<Integer> call) {
        var millis = new ArrayList<Double>();
        for (int i = -10; i < calls; i++) {
            long t0 = System.nanoTime();
            call.get();
            if (i >= 0) {
                millis.add((System.nanoTime() - t0) / 1e6);
            }
        }
        return millis;
    }

    private static void print(String what, List<Double> millis, int items) {
        var l = Latency.of(millis);
        System.out.printf("%-90s median %7.1f ms  p95 %7.1f ms  max %7.1f ms  (%d runs, %d items)%n", what,
                l.median(), l.p95(), l.max(), l.count(), items);
    }
}
