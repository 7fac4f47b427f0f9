package jcri.critest;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A real jcrid process, started from the packaged daemon ({@code deploy/target/jcrid}) with all of
 * its state in one directory, as a user would start it.
 */
public final class JcridProcess implements AutoCloseable {
    private final Path dir;
    private final Path socket;
    private final int metricsPort;
    private final Process process;
    private final Path log;

    private JcridProcess(Path dir, Path socket, int metricsPort, Process process, Path log) {
        this.dir = dir;
        this.socket = socket;
        this.metricsPort = metricsPort;
        this.process = process;
        this.log = log;
    }

    /** The jcri checkout holding the packaged daemon ({@code -Djcri.home}, default {@code ..}). */
    public static Path home() {
        return Path.of(System.getProperty("jcri.home", "..")).toAbsolutePath().normalize();
    }

    /** Writes a config for {@code dir} (plus {@code extraToml}) and starts jcrid on it, waiting until it answers. */
    public static JcridProcess start(Path dir, String extraToml) throws IOException, InterruptedException {
        var process = launch(dir, extraToml);
        process.awaitSocket(Duration.ofSeconds(30));
        return process;
    }

    /** Like {@link #start(Path, String)}, with more environment variables (e.g. {@code HTTP_PROXY}). */
    public static JcridProcess start(Path dir, String extraToml, Map<String, String> environment) throws IOException, InterruptedException {
        var process = launch(dir, extraToml, false, List.of(), environment);
        process.awaitSocket(Duration.ofSeconds(30));
        return process;
    }

    /** Starts jcrid without waiting for its socket. */
    public static JcridProcess launch(Path dir, String extraToml) throws IOException {
        return launch(dir, extraToml, false);
    }

    /**
     * Starts jcrid without waiting for its socket; with {@code viaLauncher} through
     * {@code deploy/bin/jcrid} and its JVM flags, as a node runs it.
     */
    public static JcridProcess launch(Path dir, String extraToml, boolean viaLauncher) throws IOException {
        return launch(dir, extraToml, viaLauncher, List.of(), Map.of());
    }

    /** Starts jcrid with more environment variables (e.g. systemd's {@code NOTIFY_SOCKET}), without waiting for its socket. */
    public static JcridProcess launch(Path dir, Map<String, String> environment) throws IOException {
        return launch(dir, "", false, List.of(), environment);
    }

    /**
     * Starts jcrid with the {@code jcri.test.pause-after} hook set to {@code step}: the first operation
     * that finishes that step blocks there (see {@link #awaitPause}), ready to be SIGKILLed.
     */
    public static JcridProcess startPausingAfter(Path dir, String step) throws IOException, InterruptedException {
        var process = launch(dir, "", false, List.of("-Djcri.test.pause-after=" + step), Map.of());
        process.awaitSocket(Duration.ofSeconds(30));
        return process;
    }

    /** Starts jcrid with extra JVM options (e.g. another temporary directory) and waits until it answers. */
    public static JcridProcess startWithJvmOptions(Path dir, List<String> jvmOptions) throws IOException, InterruptedException {
        var process = launch(dir, "", false, jvmOptions, Map.of());
        process.awaitSocket(Duration.ofSeconds(30));
        return process;
    }

    /** Waits until the daemon logs that it paused after its step. */
    public void awaitPause(Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!log().contains("paused after step")) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("jcrid did not pause within " + timeout + ":\n" + log());
            }
            Thread.sleep(20);
        }
    }

    /** A CNI plugin directory of the daemon's own, searched before the node's (plugins a spec writes, e.g. one that fails). */
    public static Path cniBinDir(Path dir) {
        return dir.resolve("cni-bin");
    }

    private static JcridProcess launch(Path dir, String extraToml, boolean viaLauncher, List<String> jvmOptions,
                                       Map<String, String> environment) throws IOException {
        var socket = dir.resolve("state/jcri.sock");
        var metricsPort = jcri.image.testing.FreePorts.pick();
        var config = writeConfig(dir, extraToml, metricsPort);
        var log = dir.resolve("jcrid.log");
        var command = new java.util.ArrayList<String>();
        if (viaLauncher) {
            command.addAll(List.of(home().resolve("deploy/bin/jcrid").toString(), "--config", config.toString()));
        } else {
            command.addAll(javaCommand(jvmOptions));
            command.addAll(List.of("--config", config.toString()));
        }
        var builder = new ProcessBuilder(command);
        builder.environment().putAll(environment);
        var process = builder
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
        return new JcridProcess(dir, socket, metricsPort, process, log);
    }

    /** What a jcrid that runs to completion (e.g. {@code jcrid config}) printed, and its exit code. */
    public record Completed(int exitCode, String stdout, String stderr) {
    }

    /**
     * Writes the config {@link #start} would write for {@code dir} (plus {@code extraToml}) and runs
     * {@code jcrid --config FILE arguments...} to completion.
     */
    public static Completed run(Path dir, String extraToml, String... arguments) throws IOException, InterruptedException {
        var config = writeConfig(dir, extraToml, jcri.image.testing.FreePorts.pick());
        var command = new java.util.ArrayList<>(List.of("--config", config.toString()));
        command.addAll(List.of(arguments));
        return client(dir, null, command.toArray(String[]::new));
    }

    /**
     * Runs the packaged {@code jcrid arguments...} to completion with {@code stdin} (or nothing) as its standard input,
     * its output kept in {@code dir}: a client such as {@code jcrid images}.
     */
    public static Completed client(Path dir, Path stdin, String... arguments) throws IOException, InterruptedException {
        var command = new java.util.ArrayList<>(javaCommand(List.of()));
        command.addAll(List.of(arguments));
        var stdout = Files.createTempFile(dir, "jcrid-", ".out");
        var stderr = Files.createTempFile(dir, "jcrid-", ".err");
        var builder = new ProcessBuilder(command).redirectOutput(stdout.toFile()).redirectError(stderr.toFile());
        if (stdin != null) {
            builder.redirectInput(stdin.toFile());
        }
        var process = builder.start();
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
            throw new IllegalStateException("jcrid " + String.join(" ", arguments) + " did not finish within 120 s");
        }
        return new Completed(process.exitValue(), Files.readString(stdout), Files.readString(stderr));
    }

    private static Path writeConfig(Path dir, String extraToml, int metricsPort) throws IOException {
        Files.createDirectories(dir);
        var config = dir.resolve("config.toml");
        Files.writeString(config, """
                root = "%s"
                state = "%s"
                socket = "unix://%s"
                log_level = "debug"
                [metrics]
                address = "127.0.0.1:%d"
                [cni]
                conf_dir = "%s"
                bin_dirs = ["%s", "/opt/cni/bin", "/usr/lib/cni"]
                [cdi]
                spec_dirs = ["%s"]
                """.formatted(dir.resolve("root"), dir.resolve("state"), dir.resolve("state/jcri.sock"), metricsPort,
                dir.resolve("net.d"), cniBinDir(dir), cdiDir(dir))
                + extraToml);
        return config;
    }

    /** The JVM running the packaged daemon's main class, as a node runs it but without the launcher. */
    private static List<String> javaCommand(List<String> jvmOptions) {
        var command = new java.util.ArrayList<>(List.of(javaBinary(), "--enable-native-access=ALL-UNNAMED",
                "-XX:+UseSerialGC", "-Djava.util.logging.manager=jcri.daemon.DaemonLogManager"));
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", home().resolve("deploy/target/jcrid/lib") + "/*", "jcri.daemon.Jcrid"));
        return command;
    }

    /** The CDI spec directory of a jcrid started on {@code dir} (and its only one). */
    public static Path cdiDir(Path dir) {
        return dir.resolve("cdi");
    }

    private static String javaBinary() {
        return ProcessHandle.current().info().command().orElse("java");
    }


    /** Waits until the socket accepts connections; fails with the daemon's log if it exits first. */
    public void awaitSocket(Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("jcrid exited with " + process.exitValue() + ":\n" + log());
            }
            if (accepts(socket)) {
                return;
            }
            Thread.sleep(20);
        }
        throw new IllegalStateException("jcrid did not open " + socket + " within " + timeout + ":\n" + log());
    }

    /** True if a server accepts connections on the unix socket {@code socket}. */
    public static boolean accepts(Path socket) {
        if (!Files.exists(socket)) {
            return false;
        }
        try (var ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(socket));
            return true;
        } catch (IOException notYet) {
            return false;
        }
    }

    public Path dir() {
        return dir;
    }

    public Path socket() {
        return socket;
    }

    public String endpoint() {
        return "unix://" + socket;
    }

    /** The daemon's Prometheus page, scraped now. */
    public Metrics metrics() throws IOException, InterruptedException {
        return Metrics.scrape(metricsPort);
    }

    public Process process() {
        return process;
    }

    public String log() throws IOException {
        return Files.exists(log) ? Files.readString(log) : "";
    }

    /** The daemon's log file (stdout and stderr). */
    public Path logFile() {
        return log;
    }

    /** SIGTERM, then waits for a graceful exit; returns the exit code. */
    public int stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(40, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
        return process.exitValue();
    }

    /** SIGKILL, as a crash would. */
    public void kill() throws InterruptedException {
        process.destroyForcibly().waitFor();
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            stop();
        }
    }
}
