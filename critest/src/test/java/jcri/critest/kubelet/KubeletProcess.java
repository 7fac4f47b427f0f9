package jcri.critest.kubelet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import jcri.critest.JcridProcess;
import jcri.image.testing.FreePorts;

/**
 * A real kubelet (v1.26, {@code ../shared/cri-tools/bin/kubelet} or {@code -Dkubelet.binary}) in standalone mode: no
 * API server, static pods from {@link #manifests()}, authentication and authorization off, all ports on 127.0.0.1,
 * the cgroupfs driver as jcrid's default, its state in one directory and its log in {@code kubelet.log} there. Pod
 * status and stats come from its read-only port.
 */
public final class KubeletProcess implements AutoCloseable {
    /** The node name ({@code --hostname-override}); static pods are named {@code <name>-<NODE>}. */
    public static final String NODE = "critest-node";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final Path dir;
    private final String endpoint;
    private final int readOnlyPort;
    private final int healthzPort;
    private Process process;

    private KubeletProcess(Path dir, String endpoint, int readOnlyPort, int healthzPort) {
        this.dir = dir;
        this.endpoint = endpoint;
        this.readOnlyPort = readOnlyPort;
        this.healthzPort = healthzPort;
    }

    /**
     * Writes the configuration into {@code dir} ({@code extraConfig}: more KubeletConfiguration lines) and starts a
     * kubelet on the CRI {@code endpoint}, waiting until it is healthy.
     */
    public static KubeletProcess start(Path dir, String endpoint, String extraConfig) throws IOException, InterruptedException {
        Files.createDirectories(dir.resolve("manifests"));
        var kubelet = new KubeletProcess(dir, endpoint, FreePorts.pick(), FreePorts.pick());
        Files.writeString(dir.resolve("config.yaml"), """
                apiVersion: kubelet.config.k8s.io/v1beta1
                kind: KubeletConfiguration
                staticPodPath: %s
                fileCheckFrequency: 1s
                address: 127.0.0.1
                port: %d
                readOnlyPort: %d
                healthzBindAddress: 127.0.0.1
                healthzPort: %d
                authentication:
                  anonymous: {enabled: false}
                  webhook: {enabled: false}
                authorization: {mode: AlwaysAllow}
                cgroupDriver: cgroupfs
                failSwapOn: false
                oomScoreAdj: 0
                enforceNodeAllocatable: []
                makeIPTablesUtilChains: false
                serializeImagePulls: false
                imageGCHighThresholdPercent: 100
                imageGCLowThresholdPercent: 99
                evictionHard: {memory.available: 1Mi, nodefs.available: 1%%, nodefs.inodesFree: 1%%, imagefs.available: 1%%}
                """.formatted(kubelet.manifests(), FreePorts.pick(), kubelet.readOnlyPort, kubelet.healthzPort) + extraConfig);
        kubelet.launch();
        return kubelet;
    }

    private static Path binary() {
        return Path.of(System.getProperty("kubelet.binary", JcridProcess.home().resolve("../shared/cri-tools/bin/kubelet").toString()));
    }

    private void launch() throws IOException, InterruptedException {
        process = new ProcessBuilder(List.of(binary().toString(), "--config", dir.resolve("config.yaml").toString(),
                "--container-runtime-endpoint", endpoint, "--root-dir", dir.resolve("root").toString(),
                "--hostname-override", NODE, "--v=1"))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("kubelet.log").toFile()))
                .start();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!healthy()) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                throw new IllegalStateException("the kubelet did not become healthy:\n" + log());
            }
            Thread.sleep(100);
        }
    }

    private boolean healthy() throws InterruptedException {
        try {
            return get("http://127.0.0.1:" + healthzPort + "/healthz").equals("ok");
        } catch (IOException notYet) {
            return false;
        }
    }

    /** Its staticPodPath. */
    public Path manifests() {
        return dir.resolve("manifests");
    }

    /** Its {@code --root-dir}. */
    public Path root() {
        return dir.resolve("root");
    }

    /** The pods it runs, with their status, from {@code /pods}: a PodList's items. */
    public JsonNode pods() throws IOException, InterruptedException {
        return readOnly("/pods").path("items");
    }

    /** Its {@code /stats/summary}. */
    public JsonNode statsSummary() throws IOException, InterruptedException {
        return readOnly("/stats/summary");
    }

    private JsonNode readOnly(String path) throws IOException, InterruptedException {
        return JSON.readTree(get("http://127.0.0.1:" + readOnlyPort + path));
    }

    private static String get(String url) throws IOException, InterruptedException {
        var response = HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException(url + " answered " + response.statusCode() + ": " + response.body());
        }
        return response.body();
    }

    /** Its log so far. */
    public String log() throws IOException {
        var log = dir.resolve("kubelet.log");
        return Files.exists(log) ? Files.readString(log) : "";
    }

    /** SIGTERM (the kubelet leaves its pods running) and waits for it to exit. */
    public void stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
    }

    /** Stops it and starts it again on the same configuration and state. */
    public void restart() throws IOException, InterruptedException {
        stop();
        launch();
    }

    /** Stops it if it runs and unmounts its root dir, which it bind-mounts onto itself (shared) and leaves mounted. */
    @Override
    public void close() throws IOException, InterruptedException {
        if (process.isAlive()) {
            stop();
        }
        if (Files.readAllLines(Path.of("/proc/self/mountinfo")).stream().anyMatch(l -> l.split(" ")[4].equals(root().toString()))) {
            var umount = new ProcessBuilder("umount", root().toString()).inheritIO().start();
            if (umount.waitFor() != 0) {
                throw new IOException("cannot unmount " + root());
            }
        }
    }

    /**
     * Removes the kubelet's QoS cgroups ({@code /kubepods} and below) from every hierarchy, once its pods are gone;
     * fails on one that is not empty.
     */
    public static void removeCgroups() throws IOException {
        try (var hierarchies = Files.list(Path.of("/sys/fs/cgroup"))) {
            for (var kubepods : hierarchies.map(h -> h.resolve("kubepods")).filter(Files::isDirectory).toList()) {
                try (var tree = Files.walk(kubepods)) {
                    for (var cgroup : tree.filter(Files::isDirectory).sorted(java.util.Comparator.reverseOrder()).toList()) {
                        Files.delete(cgroup);
                    }
                }
            }
        }
    }
}
