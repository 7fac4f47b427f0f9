package jcri.runtime.container;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import jcri.api.CriException;
import jcri.linux.LinuxCalls;

/**
 * Starts one {@code conmon} per container. conmon runs {@code <runtime> create}, keeps the
 * container's stdio, writes the CRI log and, on exit, {@code <exit dir>/<id>}. It reports the
 * container's pid (or the runtime's error) on the fd named by {@code _OCI_SYNCPIPE}; since a Java
 * child cannot inherit extra fds, that fd is a FIFO in the bundle that a shell opens as fd 3
 * before it execs conmon, while jcrid holds the FIFO open for reading.
 */
public final class Conmon {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long CREATE_TIMEOUT_SECONDS = 60;
    private final Path binary;
    private final Path exitDir;
    private final Path socketDir;
    private final boolean systemdCgroup;

    /** What the container's stdio should be. */
    public record Stdio(boolean tty, boolean stdin, boolean stdinOnce) {
    }

    public Conmon(Path binary, Path exitDir, Path socketDir, boolean systemdCgroup) throws IOException {
        this.binary = binary;
        this.exitDir = Files.createDirectories(exitDir);
        this.socketDir = Files.createDirectories(socketDir);
        this.systemdCgroup = systemdCgroup;
    }

    public Path exitDir() {
        return exitDir;
    }

    /** Creates the container through conmon and returns its pid; the runtime's error message on failure. */
    public long create(String id, String name, Path bundle, Runc runc, Path logPath, Stdio stdio)
            throws IOException, InterruptedException {
        var fifo = bundle.resolve("sync");
        Files.deleteIfExists(fifo);
        LinuxCalls.mknod(fifo.toString(), LinuxCalls.S_IFIFO | 0600, 0);
        try (var sync = FileChannel.open(fifo, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            var args = new ArrayList<>(List.of("sh", "-c", "exec 3>\"$0\"; exec \"$@\"", fifo.toString(),
                    binary.toString(), "--api-version", "1", "-c", id, "-u", id, "-n", name,
                    "-r", runc.binary().toString(), "-b", bundle.toString(),
                    "-p", bundle.resolve("pidfile").toString(), "-P", bundle.resolve("conmon.pid").toString(),
                    "--exit-dir", exitDir.toString(), "-l", "k8s-file:" + logPath,
                    "--socket-dir-path", socketDir.toString(), "--log-level", "error"));
            for (var arg : runc.globalArgs()) {
                args.add("--runtime-arg");
                args.add(arg);
            }
            if (systemdCgroup) {
                args.add("-s");
            }
            if (stdio.tty()) {
                args.add("-t");
            }
            if (stdio.stdin()) {
                args.add("-i");
                if (!stdio.stdinOnce()) {
                    args.add("--leave-stdin-open");
                }
            }
            var builder = new ProcessBuilder(args)
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectErrorStream(true);
            builder.environment().put("_OCI_SYNCPIPE", "3");
            var process = builder.start();
            var message = readMessage(sync, process);
            process.waitFor(5, TimeUnit.SECONDS);
            long pid = message.path("data").asLong(-1);
            if (pid <= 0) {
                var text = message.path("message").asText("conmon reported no pid").strip();
                throw CriException.failedPrecondition("cannot create container %s: %s", name, runtimeError(text));
            }
            return pid;
        } finally {
            Files.deleteIfExists(fifo);
        }
    }

    private static com.fasterxml.jackson.databind.JsonNode readMessage(FileChannel sync, Process process)
            throws IOException, InterruptedException {
        var result = new CompletableFuture<com.fasterxml.jackson.databind.JsonNode>();
        var reader = Thread.ofVirtual().start(() -> {
            var bytes = new ByteArrayOutputStream();
            var buffer = ByteBuffer.allocate(8192);
            try {
                while (true) {
                    buffer.clear();
                    int n = sync.read(buffer);
                    if (n < 0) {
                        throw new IOException("conmon closed its sync pipe without a message");
                    }
                    bytes.write(buffer.array(), 0, n);
                    try {
                        result.complete(JSON.readTree(bytes.toByteArray()));
                        return;
                    } catch (IOException incomplete) {
                        // keep reading until the JSON message is whole
                    }
                }
            } catch (IOException e) {
                result.completeExceptionally(e);
            }
        });
        try {
            return result.get(CREATE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            process.destroyForcibly();
            throw CriException.internal("conmon did not report the container within " + CREATE_TIMEOUT_SECONDS + " s", e);
        } catch (ExecutionException e) {
            throw new IOException("conmon: " + e.getCause().getMessage(), e.getCause());
        } finally {
            reader.interrupt();
        }
    }

    /** runc wraps its error in logrus text ({@code time=… level=error msg="…"}); keep the message. */
    static String runtimeError(String text) {
        var marker = "msg=\"";
        int start = text.lastIndexOf(marker);
        if (start < 0) {
            return text;
        }
        var msg = text.substring(start + marker.length());
        int end = msg.lastIndexOf('"');
        return (end > 0 ? msg.substring(0, end) : msg).replace("\\\"", "\"");
    }
}
