package jcri.critest.kubelet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import jcri.critest.Leaks;
import jcri.critest.Logs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What a node does to running pods besides running them, with a real kubelet on jcri: log rotation, stats, a
 * crashed and restarted jcrid, a restarted kubelet, and a manifest removed for good.
 */
class KubeletNodeOpsSpec {
    private static final Duration START = Duration.ofSeconds(60);
    /** The kubelet checks its containers' logs every 10 s. */
    private static final Duration ROTATED = Duration.ofSeconds(40);
    @RegisterExtension
    static final KubeletNode node = new KubeletNode("containerLogMaxSize: 1Ki\ncontainerLogMaxFiles: 2\n");

    /** A pod whose container counts lines into its log, ten a second. */
    private static KubeletPod runCounter(String name) throws Exception {
        node.run(name, KubeletNode.main("i=0; while :; do i=$((i+1)); echo line-$i; sleep 0.1; done"));
        return node.await(name, p -> p.phase().equals("Running") && p.ready(), "running and ready", START);
    }

    @Test
    void rotatedLogsAreKeptAsTheKubeletExpectsAndTheContainerWritesOnIntoTheNewFile() throws Exception {
        var pod = runCounter("rotate");
        var log = KubeletNode.log(pod, "main", 0);
        long deadline = System.nanoTime() + ROTATED.toNanos();
        while (rotated(log).isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
        var rotated = rotated(log);
        assertEquals(1, rotated.size(), "one rotated file beside the live one (containerLogMaxFiles 2): " + rotated);
        assertTrue(rotated.getFirst().getFileName().toString().matches("0\\.log\\.\\d{8}-\\d{6}"), rotated.toString());
        int lastRotated = last(Logs.text(rotated.getFirst()));
        Logs.await(log, lines -> last(lines) > lastRotated, "lines after line-" + lastRotated + " in the new file", Duration.ofSeconds(10));
    }

    /** The rotated files beside {@code log}. */
    private static List<Path> rotated(Path log) throws Exception {
        try (var files = Files.list(log.getParent())) {
            return files.filter(f -> !f.equals(log)).toList();
        }
    }

    /** The counter's highest line in {@code lines}. */
    private static int last(List<String> lines) {
        return lines.stream().filter(l -> l.startsWith("line-")).mapToInt(l -> Integer.parseInt(l.substring(5))).max().orElse(0);
    }

    @Test
    void statsSummaryHasCpuMemoryAndFilesystemFiguresOfEachContainer() throws Exception {
        var pod = runCounter("stats");
        long deadline = System.nanoTime() + Duration.ofSeconds(40).toNanos();
        var container = statsOf(pod.uid(), "main");
        while (!(container.path("cpu").has("usageNanoCores") && container.path("rootfs").has("usedBytes")) && System.nanoTime() < deadline) {
            Thread.sleep(500); // the kubelet needs two samples for a rate
            container = statsOf(pod.uid(), "main");
        }
        assertTrue(container.path("cpu").path("usageCoreNanoSeconds").asLong() > 0, container.toPrettyString());
        assertTrue(container.path("memory").path("workingSetBytes").asLong() > 0, container.toPrettyString());
        assertTrue(container.path("rootfs").has("usedBytes") && container.path("rootfs").path("capacityBytes").asLong() > 0,
                container.toPrettyString());
        assertTrue(container.path("logs").path("usedBytes").asLong() > 0, container.toPrettyString());
    }

    /** Container {@code container}'s entry in the kubelet's summary, a missing node while it has none. */
    private static JsonNode statsOf(String podUid, String container) throws Exception {
        for (var pod : node.kubelet().endpoints().statsSummary().path("pods")) {
            if (pod.path("podRef").path("uid").asText().equals(podUid)) {
                for (var c : pod.path("containers")) {
                    if (c.path("name").asText().equals(container)) {
                        return c;
                    }
                }
            }
        }
        return MissingNode.getInstance();
    }

    @Test
    void jcridKilledAndRestartedUnderTheKubeletRestartsNothing() throws Exception {
        var before = runCounter("survivor");
        var sandboxes = node.sandboxes("survivor");
        node.jcrid().kill();
        Thread.sleep(3000); // a few of the kubelet's relists fail meanwhile
        node.restartJcrid();
        Thread.sleep(5000);
        assertSamePod(before, node.await("survivor", p -> p.phase().equals("Running") && p.ready(), "running and ready", START));
        assertEquals(sandboxes, node.sandboxes("survivor"), "no sandbox recreated");
    }

    @Test
    void aRestartedKubeletAdoptsItsPods() throws Exception {
        var before = runCounter("adopted");
        var sandboxes = node.sandboxes("adopted");
        node.kubelet().restart();
        Thread.sleep(5000);
        assertSamePod(before, node.await("adopted", p -> p.phase().equals("Running") && p.ready(), "running and ready", START));
        assertEquals(sandboxes, node.sandboxes("adopted"), "no sandbox recreated");
    }

    private static void assertSamePod(KubeletPod before, KubeletPod after) {
        assertEquals(before.uid(), after.uid());
        assertEquals(before.containerId("main"), after.containerId("main"), "the same container runs");
        assertEquals(0, after.restarts("main"), after.container("main").toString());
        assertEquals(before.podIp(), after.podIp());
    }

    @Test
    void aRemovedManifestTakesThePodAndEverythingItMadeAway() throws Exception {
        var pod = runCounter("removed");
        var logs = KubeletNode.log(pod, "main", 0).getParent().getParent();
        node.delete("removed");
        node.awaitRemoved("removed", Duration.ofSeconds(90)); // the kubelet collects removed pods' sandboxes once a minute
        assertEquals(List.of(), Leaks.find(node.cri(), node.jcrid().dir(), "kubepods"));
        assertTrue(!Files.exists(logs), "the pod's log directory goes with it: " + logs);
        try (var hierarchies = Files.list(Path.of("/sys/fs/cgroup"))) {
            var podCgroups = hierarchies.map(h -> h.resolve("kubepods/besteffort/pod" + pod.uid())).filter(Files::exists).toList();
            assertEquals(List.of(), podCgroups, "the pod's cgroups");
        }
    }
}
