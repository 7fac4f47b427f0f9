package jcri.critest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import jcri.api.v1.ContainerState;

/** Reads what containers printed, from their CRI log files. */
public final class Logs {
    private Logs() {
    }

    /** Waits for the container to exit and returns its stdout and stderr text, one entry per line. */
    public static List<String> afterExit(CriClient cri, String containerId, Path log) throws IOException, InterruptedException {
        if (Pods.awaitExit(cri, containerId, Duration.ofSeconds(20)).getState() != ContainerState.CONTAINER_EXITED) {
            throw new AssertionError("container " + containerId + " did not exit; log so far: " + text(log));
        }
        return text(log);
    }

    /** Waits until the container has logged a line reading {@code line}; fails with the log so far after {@code timeout}. */
    public static void await(Path log, String line, Duration timeout) throws IOException, InterruptedException {
        await(log, lines -> lines.contains(line), "a line '" + line + "'", timeout);
    }

    /** Waits until the log's lines satisfy {@code done} and returns them; fails with the log so far after {@code timeout}. */
    public static List<String> await(Path log, java.util.function.Predicate<List<String>> done, String what, Duration timeout)
            throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (var lines = text(log); ; lines = text(log)) {
            if (done.test(lines)) {
                return lines;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no " + what + " in " + log + " within " + timeout + "; log: " + lines);
            }
            Thread.sleep(20);
        }
    }

    /** The text of each log line (timestamp, stream and tag stripped). */
    public static List<String> text(Path log) throws IOException {
        if (!Files.exists(log)) {
            return List.of();
        }
        return Files.readAllLines(log).stream().map(l -> l.split(" ", 4)).map(f -> f.length == 4 ? f[3] : "").toList();
    }
}
