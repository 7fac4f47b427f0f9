package jcri.critest.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import jcri.critest.JcridProcess;
import jcri.critest.TestNetwork;
import jcri.critest.TestRegistry;
import jcri.image.testing.TestImages;

/**
 * The CRI runtime a benchmark talks to: its endpoint, the pid of its daemon and the name of its
 * per-container monitor process. Closing it stops what {@link CriBenchmark} started (nothing for an
 * external endpoint).
 */
public final class RuntimeUnderTest implements AutoCloseable {
    private final String endpoint;
    private final long daemonPid;
    private final String monitor;
    private final Stop stop;

    /** How to stop what was started. */
    private interface Stop {
        void run() throws InterruptedException;
    }

    private RuntimeUnderTest(String endpoint, long daemonPid, String monitor, Stop stop) {
        this.endpoint = endpoint;
        this.daemonPid = daemonPid;
        this.monitor = monitor;
        this.stop = stop;
    }

    /** The packaged jcrid started through its launcher ({@code deploy/bin/jcrid}) in {@code dir}, pods on the test network. */
    public static RuntimeUnderTest jcrid(Path dir) throws IOException, InterruptedException {
        return jcrid(dir, "");
    }

    /** As {@link #jcrid(Path)}, with {@code extraToml} added to its configuration. */
    public static RuntimeUnderTest jcrid(Path dir, String extraToml) throws IOException, InterruptedException {
        TestNetwork.write(dir.resolve("net.d"), dir.resolve("ipam"));
        var jcrid = JcridProcess.launch(dir, extraToml, true);
        try {
            jcrid.awaitSocket(Duration.ofMinutes(5)); // the launcher first rebuilds the daemon if sources changed
        } catch (RuntimeException | IOException | InterruptedException e) {
            jcrid.close();
            throw e;
        }
        return new RuntimeUnderTest(jcrid.endpoint(), jcrid.process().pid(), "conmon", jcrid::close);
    }

    /** A runtime someone else runs; its daemon is {@code daemonPid}, or (0) whoever listens on the socket. */
    public static RuntimeUnderTest external(String endpoint, long daemonPid, String monitor) throws IOException, InterruptedException {
        var pid = daemonPid > 0 ? daemonPid : ProcessMemory.listenerOf(Path.of(endpoint.replaceFirst("^unix://", "")));
        return new RuntimeUnderTest(endpoint, pid, monitor, () -> { });
    }

    /**
     * A private containerd from {@code critest/bin/containerd-bench}: pushes a pause image (busybox sleeping
     * forever) to the test registry and writes the test conflist into {@code dir} first.
     */
    public static RuntimeUnderTest containerd(Path dir) throws IOException, InterruptedException {
        return containerd(dir, List.of());
    }

    /** As {@link #containerd(Path)}, pulling from the test registry what it is asked for from {@code mirroredHosts}. */
    public static RuntimeUnderTest containerd(Path dir, List<String> mirroredHosts) throws IOException, InterruptedException {
        var netD = dir.resolve("net.d");
        TestNetwork.write(netD, dir.resolve("ipam"));
        var pause = TestRegistry.push("bench/pause", "1", TestImages.busyboxBuilder().cmd().entrypoint("sleep", "2147483647").build());
        var script = JcridProcess.home().resolve("critest/bin/containerd-bench");
        var command = new java.util.ArrayList<>(List.of(script.toString(), TestRegistry.get().host(), pause, netD.toString()));
        command.addAll(mirroredHosts);
        var process = new ProcessBuilder(command)
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        Stop stop = () -> {
            process.destroy();
            if (!process.waitFor(2, TimeUnit.MINUTES)) {
                throw new IllegalStateException("containerd-bench did not clean up within 2 minutes");
            }
        };
        try {
            var out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            String endpoint = null;
            long pid = 0;
            for (var line = out.readLine(); line != null && (endpoint == null || pid == 0); line = out.readLine()) {
                if (line.startsWith("endpoint ")) {
                    endpoint = line.substring("endpoint ".length());
                } else if (line.startsWith("pid ")) {
                    pid = Long.parseLong(line.substring("pid ".length()));
                }
            }
            if (endpoint == null || pid == 0) {
                throw new IllegalStateException("containerd-bench exited without printing its endpoint and pid");
            }
            return new RuntimeUnderTest(endpoint, pid, "containerd-shim-runc-v2", stop);
        } catch (RuntimeException | IOException e) {
            stop.run();
            throw e;
        }
    }

    public String endpoint() {
        return endpoint;
    }

    public long daemonPid() {
        return daemonPid;
    }

    public String monitor() {
        return monitor;
    }

    @Override
    public void close() throws InterruptedException {
        stop.run();
    }
}
