package jcri.runtime.container;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.grpc.Status;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import jcri.api.CriException;
import jcri.store.Trees;

/**
 * Runs a command in a running container with the container's own process settings (user, env,
 * cwd, capabilities, no_new_privs), under its own conmon as CRI-O does: conmon reports the exit
 * code as soon as the command exits, even when a background process it started keeps the output
 * streams open, and the output comes back from conmon's CRI log of the session. At the deadline
 * the command and everything it started are killed.
 */
public final class ContainerExec {
    /** stdout and stderr together keep at most this much (the kubelet's message limit, less room for framing). */
    public static final int MAX_OUTPUT = (16 << 20) - (64 << 10);
    private static final ObjectMapper JSON = new ObjectMapper();
    private final ContainerManager containers;
    private final Conmon conmon;

    /** What a finished command left. */
    public record Result(byte[] stdout, byte[] stderr, int exitCode) {
    }

    public ContainerExec(ContainerManager containers, Conmon conmon) {
        this.containers = containers;
        this.conmon = conmon;
    }

    /** Runs {@code cmd}; {@code timeout} zero means no deadline. */
    public Result execSync(String containerId, List<String> cmd, Duration timeout) throws IOException, InterruptedException {
        if (cmd.isEmpty()) {
            throw CriException.invalid("exec needs a command");
        }
        var record = containers.get(containerId);
        if (!record.state().equals(ContainerRecord.RUNNING)) {
            throw CriException.failedPrecondition("container %s is not running (%s)", record.id(), record.state());
        }
        var bundle = containers.bundle(record.id());
        var execId = UUID.randomUUID().toString();
        var dir = Files.createDirectories(bundle.resolve("exec").resolve(execId));
        try {
            Files.write(dir.resolve("process.json"), JSON.writeValueAsBytes(process(bundle, cmd)));
            var log = dir.resolve("output.log");
            try (var session = conmon.exec(record.id(), execId, bundle, dir, containers.runtimeOf(record), dir.resolve("process.json"), log)) {
                var exit = session.awaitExit(timeout.isZero() ? Duration.ofDays(3650) : timeout);
                if (exit.isEmpty()) {
                    killTree(session.pid());
                    session.awaitExit(Duration.ofSeconds(5));
                    throw new CriException(Status.Code.DEADLINE_EXCEEDED, "command " + cmd + " in container " + record.id()
                            + " did not finish within " + timeout.toMillis() + " ms and was killed");
                }
                var output = CriLogReader.read(log, MAX_OUTPUT);
                return new Result(output.stdout(), output.stderr(), exit.getAsInt());
            } catch (InterruptedException e) {
                killDescendants(dir);
                throw e;
            }
        } finally {
            Trees.delete(dir);
        }
    }

    /** The container's own process settings with {@code cmd} as args and no terminal. */
    private static ObjectNode process(Path bundle, List<String> cmd) throws IOException {
        var spec = (ObjectNode) JSON.readTree(bundle.resolve("config.json").toFile());
        var process = ((ObjectNode) spec.get("process")).deepCopy();
        process.put("terminal", false);
        var args = process.putArray("args");
        cmd.forEach(args::add);
        return process;
    }

    private static void killDescendants(Path dir) {
        try {
            var pidFile = dir.resolve("pid");
            if (Files.exists(pidFile)) {
                killTree(Long.parseLong(Files.readString(pidFile).strip()));
            }
        } catch (IOException | NumberFormatException e) {
            // the command never started
        }
    }

    /** Kills a process and everything it started. */
    private static void killTree(long pid) {
        ProcessHandle.of(pid).ifPresent(p -> {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        });
    }

    /** Splits a CRI-format log ({@code <time> <stream> <P|F> <text>}) back into stdout and stderr. */
    static final class CriLogReader {
        private CriLogReader() {
        }

        record Output(byte[] stdout, byte[] stderr) {
        }

        static Output read(Path log, int limit) throws IOException {
            var out = new ByteArrayOutputStream();
            var err = new ByteArrayOutputStream();
            if (Files.exists(log)) {
                try (var lines = Files.lines(log, StandardCharsets.UTF_8)) {
                    for (var line : (Iterable<String>) lines::iterator) {
                        var fields = line.split(" ", 4);
                        if (fields.length < 3) {
                            continue;
                        }
                        var target = fields[1].equals("stderr") ? err : out;
                        var text = (fields.length == 4 ? fields[3] : "") + (fields[2].equals("F") ? "\n" : "");
                        var bytes = text.getBytes(StandardCharsets.UTF_8);
                        int room = limit - out.size() - err.size();
                        if (room > 0) {
                            target.write(bytes, 0, Math.min(room, bytes.length));
                        }
                    }
                }
            }
            return new Output(out.toByteArray(), err.toByteArray());
        }
    }
}
