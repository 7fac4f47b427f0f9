package jcri.runtime.sandbox;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import jcri.api.CriException;
import jcri.process.ServiceManagerVariables;

/**
 * A process that holds new namespaces while jcrid pins them: {@code prefix} (which makes the namespaces and execs
 * what follows) runs a shell that sets the hostname when given one, says {@code ready} and waits for its stdin to
 * close. Its {@code /proc/<pid>/ns} then names the namespaces; closing the holder ends it.
 */
final class NamespaceHolder implements AutoCloseable {
    private static final String READY = "ready";
    private final Process process;
    private final Duration timeout;

    private NamespaceHolder(Process process, Duration timeout) {
        this.process = process;
        this.timeout = timeout;
    }

    /** Starts the holder and returns once it is ready; INTERNAL with what it printed if it fails or is not ready within {@code timeout}. */
    static NamespaceHolder start(List<String> prefix, String hostname, Duration timeout) throws IOException, InterruptedException {
        var builder = new ProcessBuilder(command(prefix, hostname));
        ServiceManagerVariables.removeFrom(builder.environment());
        var process = builder.start();
        var holder = new NamespaceHolder(process, timeout);
        var line = new AtomicReference<String>();
        var error = new AtomicReference<String>("");
        var reader = Thread.ofVirtual().start(() -> {
            try {
                line.set(new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8)).readLine());
            } catch (IOException e) {
                // no line: the process failed, its stderr says why
            }
        });
        var errors = Thread.ofVirtual().start(() -> {
            try {
                error.set(new String(process.getErrorStream().readNBytes(4096), StandardCharsets.UTF_8).strip());
            } catch (IOException e) {
                // closed when the process is destroyed
            }
        });
        if (!reader.join(timeout) || !READY.equals(line.get())) {
            process.destroyForcibly();
            process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
            errors.join(timeout);
            throw CriException.internal("cannot create the pod's namespaces (" + String.join(" ", prefix) + "): "
                    + (error.get().isEmpty() ? "not ready within " + timeout.toSeconds() + " s" : error.get()), null);
        }
        return holder;
    }

    static List<String> command(List<String> prefix, String hostname) {
        var args = new ArrayList<>(prefix);
        args.addAll(List.of("sh", "-c", (hostname.isEmpty() ? "" : "hostname \"$1\" && ") + "echo " + READY + " && exec cat", "sh"));
        if (!hostname.isEmpty()) {
            args.add(hostname);
        }
        return List.copyOf(args);
    }

    /** The holder's {@code /proc} directory. */
    Path proc() {
        return Path.of("/proc/" + process.pid());
    }

    @Override
    public void close() throws IOException, InterruptedException {
        process.getOutputStream().close();
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
        }
    }
}
