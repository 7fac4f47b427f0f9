package jcri.critest;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The released crictl (cri-tools v1.28.0, {@code ../shared/cri-tools/bin/crictl} beside the checkout, or
 * {@code -Dcrictl=PATH}) pointed at the endpoint under test: the client every node operator uses, whose
 * exec, attach and port-forward go through client-go's SPDY clients.
 */
public final class Crictl {
    private Crictl() {
    }

    /** What a finished crictl printed and its exit code. */
    public record Result(int exit, String stdout, String stderr) {
        @Override
        public String toString() {
            return "exit " + exit + ", stdout: " + stdout + ", stderr: " + stderr;
        }
    }

    /** The binary. */
    public static Path binary() {
        var configured = System.getProperty("crictl");
        return configured != null ? Path.of(configured) : JcridProcess.home().resolve("../shared/cri-tools/bin/crictl").normalize();
    }

    /** The command line of {@code crictl args...} against the endpoint under test. */
    public static List<String> command(String... args) {
        return commandAt(Target.endpoint(), args);
    }

    /** The command line of {@code crictl args...} against {@code endpoint}. */
    public static List<String> commandAt(String endpoint, String... args) {
        var command = new ArrayList<>(List.of(binary().toString(), "--runtime-endpoint", endpoint, "--image-endpoint", endpoint,
                "--timeout", "30s"));
        command.addAll(List.of(args));
        return command;
    }

    /** Runs {@code crictl args...} with {@code stdin} as its input; fails if it has not ended within {@code timeout}. */
    public static Result run(String stdin, Duration timeout, String... args) throws IOException, InterruptedException {
        return finish(new ProcessBuilder(command(args)), stdin, timeout);
    }

    /** Runs {@code crictl args...} against {@code endpoint} (a jcrid of a spec's own), with no input. */
    public static Result runAt(String endpoint, Duration timeout, String... args) throws IOException, InterruptedException {
        return finish(new ProcessBuilder(commandAt(endpoint, args)), "", timeout);
    }

    /**
     * Runs {@code crictl args...} on a pseudo-terminal ({@code script(1)}), as from an interactive shell, and types
     * {@code typed} once the shell in it runs commands: a shell starting on a terminal may discard what was typed
     * before it was ready, so a harmless probe line is typed until its result shows. stdout and stderr both arrive as
     * the terminal's output.
     */
    public static Result runOnTerminal(String typed, Duration timeout, String... args) throws IOException, InterruptedException {
        var line = new StringBuilder();
        for (var word : command(args)) {
            line.append('\'').append(word.replace("'", "'\\''")).append("' ");
        }
        var run = Run.start(new ProcessBuilder("script", "--quiet", "--return", "--command", line.toString(), "/dev/null"));
        var process = run.process();
        long deadline = System.nanoTime() + timeout.toNanos();
        try (var in = process.getOutputStream()) {
            while (!Files.readString(run.out()).contains("ready-42")) { // the echo of the typed line shows "ready-$((40 + 2))"
                if (!process.isAlive() || System.nanoTime() > deadline) {
                    break;
                }
                in.write("echo ready-$((40 + 2))\n".getBytes(StandardCharsets.UTF_8));
                in.flush();
                process.waitFor(500, TimeUnit.MILLISECONDS);
            }
            in.write(typed.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            // crictl ended without reading all of its input; its output says why
        }
        return run.await(deadline);
    }

    /** Starts {@code crictl args...} and leaves it running (port-forward); the caller destroys it. */
    public static Process start(Path output, String... args) throws IOException {
        return new ProcessBuilder(command(args)).redirectErrorStream(true).redirectOutput(output.toFile()).start();
    }

    private static Result finish(ProcessBuilder builder, String stdin, Duration timeout) throws IOException, InterruptedException {
        var run = Run.start(builder);
        try (var in = run.process().getOutputStream()) {
            in.write(stdin.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            // crictl ended without reading all of its input; its output says why
        }
        return run.await(System.nanoTime() + timeout.toNanos());
    }

    /** A started command whose stdout and stderr go to files of a scratch directory. */
    private record Run(List<String> command, Process process, Path out, Path err) {
        static Run start(ProcessBuilder builder) throws IOException {
            var dir = Scratch.dir("crictl-");
            var out = dir.resolve("stdout");
            var err = dir.resolve("stderr");
            return new Run(builder.command(), builder.redirectOutput(out.toFile()).redirectError(err.toFile()).start(), out, err);
        }

        /** Its result once it ended; fails if it has not by {@code deadline} ({@link System#nanoTime}). */
        Result await(long deadline) throws IOException, InterruptedException {
            if (!process.waitFor(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                process.destroyForcibly().waitFor();
                throw new AssertionError(command + " did not end in time; stdout: " + Files.readString(out) + ", stderr: " + Files.readString(err));
            }
            return new Result(process.exitValue(), Files.readString(out), Files.readString(err));
        }
    }
}
