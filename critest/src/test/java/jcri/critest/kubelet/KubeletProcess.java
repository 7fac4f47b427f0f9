package jcri.critest.kubelet;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real kubelet of a {@link KubeletVersion} running static pods from {@link #manifests()}: standalone, or with a
 * {@link StubApiServer} of its own where its version needs a client; configured by {@link KubeletEndpoints} and its
 * version, its state in one directory and its log in {@code kubelet.log} there.
 */
public final class KubeletProcess implements AutoCloseable {
    /** The node name ({@code --hostname-override}); static pods are named {@code <name>-<NODE>}. */
    public static final String NODE = "critest-node";

    private final Path dir;
    private final String endpoint;
    private final KubeletVersion version;
    private final KubeletEndpoints endpoints;
    private StubApiServer apiServer;
    private Process process;

    private KubeletProcess(Path dir, String endpoint, KubeletVersion version, KubeletEndpoints endpoints) {
        this.dir = dir;
        this.endpoint = endpoint;
        this.version = version;
        this.endpoints = endpoints;
    }

    /**
     * Writes the configuration into {@code dir} ({@code extraConfig}: more KubeletConfiguration lines) and starts a
     * kubelet of {@code version} on the CRI {@code endpoint}, waiting until it is healthy.
     */
    public static KubeletProcess start(Path dir, String endpoint, KubeletVersion version, String extraConfig)
            throws IOException, InterruptedException {
        Files.createDirectories(dir.resolve("manifests"));
        var kubelet = new KubeletProcess(dir, endpoint, version, KubeletEndpoints.pick());
        Files.writeString(dir.resolve("config.yaml"),
                kubelet.endpoints.config(kubelet.manifests().toString(), version.config(endpoint) + extraConfig));
        if (version.apiClient()) {
            kubelet.apiServer = StubApiServer.start();
            Files.writeString(dir.resolve("kubeconfig.yaml"), kubelet.apiServer.kubeconfig());
        }
        kubelet.launch();
        return kubelet;
    }

    private void launch() throws IOException, InterruptedException {
        var command = new java.util.ArrayList<>(List.of(version.binary().toString(), "--config", dir.resolve("config.yaml").toString(),
                "--root-dir", root().toString(), "--hostname-override", NODE, "--v=1"));
        command.addAll(version.flags(endpoint));
        if (apiServer != null) {
            command.addAll(List.of("--kubeconfig", dir.resolve("kubeconfig.yaml").toString()));
        }
        process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("kubelet.log").toFile()))
                .start();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!endpoints.healthy()) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                throw new IllegalStateException("the kubelet did not become healthy:\n" + log());
            }
            Thread.sleep(100);
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

    /** Its read-only and health endpoints. */
    public KubeletEndpoints endpoints() {
        return endpoints;
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

    /**
     * Stops it if it runs, and its API server, removes what its device manager leaves in the device plugin directory
     * (a fixed host path, see {@link DevicePluginServer}): its socket and its checkpoint, whose devices the next kubelet
     * would take up; and unmounts its root dir, which it bind-mounts onto itself (shared) and leaves mounted.
     */
    @Override
    public void close() throws IOException, InterruptedException {
        if (process.isAlive()) {
            stop();
        }
        Files.deleteIfExists(DevicePluginServer.KUBELET_SOCKET);
        Files.deleteIfExists(DevicePluginServer.CHECKPOINT);
        if (apiServer != null) {
            apiServer.close();
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
