package jcri.runtime.container;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.grpc.Status;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Logger;
import jcri.api.CriException;
import jcri.runtime.oci.spec.Process;
import jcri.runtime.oci.spec.Spec;
import jcri.store.Trees;

/**
 * Runs a command in a running container with the container's own process settings (user, env,
 * cwd, capabilities, no_new_privs), under its own conmon as CRI-O does: conmon reports the exit
 * code as soon as the command exits, even when a background process it started keeps the output
 * streams open, and the output comes back from conmon's CRI log of the session. At the deadline
 * the command and everything it started are killed.
 *
 * <p>ExecSync output is bounded as in CRI-O and containerd 2.x: the answer keeps the first {@link #MAX_OUTPUT} bytes
 * of stdout and stderr together, and conmon stops logging at {@link #MAX_LOG} bytes of log and discards the rest, so
 * the command never blocks on a full pipe and ends with its own exit code (or at the deadline).
 */
public final class ContainerExec {
    private static final Logger LOG = Logger.getLogger(ContainerExec.class.getName());
    /** stdout and stderr together keep at most this much (the clients' 16 MiB message limit, less room for framing). */
    static final int MAX_OUTPUT = (16 << 20) - (64 << 10);
    /**
     * conmon logs at most this much of a session: twice the output kept, as each log line carries a header of about
     * 45 bytes (so output in lines shorter than that is cut before {@link #MAX_OUTPUT}).
     */
    static final long MAX_LOG = 2L * MAX_OUTPUT;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration FOREVER = Duration.ofDays(3650);
    /** How long a failed exec start waits for the container's exit to be recorded, if it is going. */
    private static final Duration STOP_WAIT = Duration.ofSeconds(1);
    private static final SecureRandom RANDOM = new SecureRandom();
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
        var prepared = prepare(containerId, cmd, false);
        var dir = prepared.dir();
        try {
            var log = dir.resolve("output.log");
            try (var session = starting(prepared.record(), () -> conmon.exec(prepared.record().id(), prepared.execId(), dir,
                    containers.runtimeOf(prepared.record()), dir.resolve("process.json"), log, MAX_LOG))) {
                var exit = session.awaitExit(timeout.isZero() ? FOREVER : timeout);
                if (exit.isEmpty()) {
                    killTree(session.pid());
                    session.awaitExit(Duration.ofSeconds(5));
                    throw new CriException(Status.Code.DEADLINE_EXCEEDED, "command " + cmd + " in container " + prepared.record().id()
                            + " did not finish within " + timeout.toMillis() + " ms and was killed");
                }
                var output = CriLogReader.read(log, MAX_OUTPUT);
                if (output.truncated()) {
                    LOG.info("ExecSync of " + cmd + " in container " + prepared.record().id() + ": output cut at "
                            + MAX_OUTPUT + " bytes");
                }
                return new Result(output.stdout(), output.stderr(), exit.getAsInt());
            } catch (InterruptedException e) {
                killDescendants(dir);
                throw e;
            }
        } finally {
            Trees.delete(dir);
            conmon.forget(prepared.execId());
        }
    }

    /**
     * Starts {@code cmd} with its stdio on an attach connection (with a terminal if {@code tty}, with
     * stdin if {@code stdin}). Closing the session kills the command and everything it started if it
     * is still running.
     */
    public StdioSession open(String containerId, List<String> cmd, boolean tty, boolean stdin) throws IOException, InterruptedException {
        var prepared = prepare(containerId, cmd, tty);
        var dir = prepared.dir();
        try {
            var attached = starting(prepared.record(), () -> conmon.execAttached(prepared.record().id(), prepared.execId(), dir,
                    containers.runtimeOf(prepared.record()), dir.resolve("process.json"), new Conmon.Stdio(tty, stdin, true)));
            return new StdioSession(attached.stdio(), dir.resolve("ctl"), new ExecEnding(attached.session(), prepared.execId(), dir));
        } catch (IOException | InterruptedException | RuntimeException e) {
            killDescendants(dir);
            Trees.delete(dir);
            conmon.forget(prepared.execId());
            throw e;
        }
    }

    private record Prepared(ContainerRecord record, String execId, Path dir) {
    }

    /** Starts an exec session (through conmon and the OCI runtime). */
    private interface Start<T> {
        T call() throws IOException, InterruptedException;
    }

    /**
     * Runs {@code start}. When it fails because the container's process ended meanwhile (the runtime then says
     * something like "write init-p: broken pipe"; the exit monitor records the exit within the wait), the caller
     * hears what the running-check would have said: the container is not running. Probes that race a container's
     * stop are common and clients expect that answer.
     */
    private <T> T starting(ContainerRecord record, Start<T> start) throws IOException, InterruptedException {
        try {
            return start.call();
        } catch (CriException e) {
            if (containers.awaitExit(record.id(), STOP_WAIT)) {
                throw CriException.failedPrecondition("container %s is not running (it stopped as the command started)", record.id());
            }
            throw e;
        }
    }

    /** Checks the container runs and writes the session's process spec into a new session dir. */
    private Prepared prepare(String containerId, List<String> cmd, boolean tty) throws IOException {
        if (cmd.isEmpty()) {
            throw CriException.invalid("exec needs a command");
        }
        ProcessBounds.checkCommand(cmd);
        var record = containers.running(containerId);
        var bundle = containers.bundle(record.id());
        var random = new byte[10];
        RANDOM.nextBytes(random);
        var execId = HexFormat.of().formatHex(random);
        var dir = Files.createDirectories(bundle.resolve("exec").resolve(execId));
        Files.write(dir.resolve("process.json"), JSON.writeValueAsBytes(process(bundle, cmd, tty)));
        return new Prepared(record, execId, dir);
    }

    /** Ends an interactive exec session: its command killed if still running, its dir and socket link removed. */
    private final class ExecEnding implements StdioSession.Ending {
        private final Conmon.ExecSession session;
        private final String execId;
        private final Path dir;
        private final CompletableFuture<Integer> exit = new CompletableFuture<>();
        private final Thread waiter;
        private final AtomicBoolean closed = new AtomicBoolean();

        ExecEnding(Conmon.ExecSession session, String execId, Path dir) {
            this.session = session;
            this.execId = execId;
            this.dir = dir;
            this.waiter = Thread.ofVirtual().name("exec-exit").start(() -> {
                try {
                    session.awaitExit(FOREVER).ifPresent(exit::complete);
                } catch (InterruptedException e) {
                    // the session was closed
                }
            });
        }

        @Override
        public OptionalInt awaitExit(Duration timeout) throws InterruptedException {
            try {
                return OptionalInt.of(exit.get(timeout.toNanos(), TimeUnit.NANOSECONDS));
            } catch (TimeoutException e) {
                return OptionalInt.empty();
            } catch (ExecutionException e) {
                throw new IllegalStateException("only ever completed normally", e);
            }
        }

        @Override
        public void close() throws IOException {
            if (!closed.compareAndSet(false, true)) {
                return;
            }
            try {
                if (!exit.isDone()) {
                    killTree(session.pid());
                    awaitExit(Duration.ofSeconds(5));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                waiter.interrupt();
                session.close();
                Trees.delete(dir);
                conmon.forget(execId);
            }
        }
    }

    /** The container's own process settings with {@code cmd} as args. */
    private static Process process(Path bundle, List<String> cmd, boolean tty) throws IOException {
        return JSON.readValue(bundle.resolve("config.json").toFile(), Spec.class).process().withArgs(cmd, tty);
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
}
