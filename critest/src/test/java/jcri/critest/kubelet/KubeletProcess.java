package jcri.critest.kubelet;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import jcri.critest.JcridProcess;

/**
 * A real kubelet (v1.26, {@code ../shared/cri-tools/bin/kubelet} or {@code -Dkubelet.binary}) in standalone mode: no
 * API server, static pods from {@link #manifests()}, configured by {@link KubeletEndpoints}, its state in one
 * directory and its log in {@code kubelet.log} there.
 */
public final class KubeletProcess implements AutoCloseable {
    /** The node name ({@code --hostname-override}); static pods are named {@code <name>-<NODE>}. */
    public static final String NODE = "critest-node";

    private final Path dir;
    private final String endpoint;
    private final KubeletEndpoints endpoints;
    private Process process;

    private KubeletProcess(Path dir, String endpoint, KubeletEndpoints endpoints) {
        this.dir = dir;
        this.endpoint = endpoint;
        this.endpoints = endpoints;
    }

    /**
     * Writes the configuration into {@code dir} ({@code extraConfig}: more KubeletConfiguration lines) and starts a
     * kubelet on the CRI {@code endpoint}, waiting until it is healthy.
     */
    public static KubeletProcess start(Path dir, String endpoint, String extraConfig) throws IOException, InterruptedException {
        Files.createDirectories(dir.resolve("manifests"));
        var kubelet = new KubeletProcess(dir, endpoint, KubeletEndpoints.pick());
        Files.writeString(dir.resolve("config.yaml"), kubelet.endpoints.config(kubelet.manifests().toString(), extraConfig));
        kubelet.launch();
        return kubelet;
    }

    /** The kubelet binary the specs run; fails, naming it, if it is not there. */
    public static Path binary() {
        var binary = Path.of(System.getProperty("kubelet.binary", JcridProcess.home().resolve("../shared/cri-tools/bin/kubelet")
                .toString())).toAbsolutePath().normalize();
        if (!Files.isExecutable(binary)) {
            throw new IllegalStateException("no kubelet at " + binary + " (../shared/cri-tools/README.md; or -Dkubelet.binary=…)");
        }
        return binary;
    }

    private void launch() throws IOException, InterruptedException {
        process = new ProcessBuilder(List.of(binary().toString(), "--config", dir.resolve("config.yaml").toString(),
                "--container-runtime-endpoint", endpoint, "--root-dir", root().toString(),
                "--hostname-override", NODE, "--v=1"))
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
