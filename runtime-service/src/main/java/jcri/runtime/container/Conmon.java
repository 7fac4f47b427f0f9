package jcri.runtime.container;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import jcri.api.CriException;
import jcri.process.ServiceManagerVariables;

/**
 * Starts one {@code conmon} per container. conmon runs {@code <runtime> create}, keeps the
 * container's stdio, writes the CRI log and, on exit, {@code <exit dir>/<id>}. It reports the
 * container's pid (or the runtime's error) on the fd named by {@code _OCI_SYNCPIPE}; since a Java
 * child cannot inherit extra fds, that fd is a FIFO in the bundle that a shell opens as fd 3
 * before it execs conmon, while jcrid holds the FIFO open for reading.
 */
public final class Conmon {
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
        var extra = new ArrayList<String>();
        if (stdio.tty()) {
            extra.add("-t");
        }
        if (stdio.stdin()) {
            extra.add("-i");
            if (!stdio.stdinOnce()) {
                extra.add("--leave-stdin-open");
            }
        }
        try (var sync = new SyncPipe(bundle.resolve("sync"))) {
            spawn(List.of(sync.path()), id, socketName(id), name, bundle, bundle.resolve("pidfile"), bundle.resolve("conmon.pid"),
                    exitDir, runc, logPath, extra).waitFor(5, TimeUnit.SECONDS); // conmon's first process exits once it has forked
            return pid(sync, "create container " + name);
        }
    }

    /**
     * The attach socket conmon made for a container or an exec session ({@code <socket dir>/<name>/attach},
     * the name a short form of the id so the path stays under the kernel's 107-byte limit).
     */
    public Path attachSocket(String id) {
        return socketDir.resolve(socketName(id)).resolve("attach");
    }

    /** Removes the link conmon left in the socket dir for {@code id}. */
    public void forget(String id) throws IOException {
        Files.deleteIfExists(socketDir.resolve(socketName(id)));
    }

    private static String socketName(String id) {
        return id.length() <= 20 ? id : id.substring(0, 20);
    }

    /**
     * Starts an exec session: conmon runs {@code process} (an OCI process JSON) in the container,
     * logs its output to {@code logPath} (up to about {@code logLimit} bytes of log, discarding the rest) and reports
     * the exit code on the returned pipe, whose pid message has been read already. The caller closes the pipe.
     */
    public ExecSession exec(String id, String execId, Path dir, Runc runc, Path process, Path logPath, long logLimit)
            throws IOException, InterruptedException {
        var sync = new SyncPipe(dir.resolve("sync"));
        try {
            spawnExec(List.of(sync.path()), id, execId, dir, runc, process, logPath,
                    List.of("--log-global-size-max", Long.toString(logLimit))).waitFor(5, TimeUnit.SECONDS);
            return new ExecSession(pid(sync, "run the command"), conmonPid(dir), sync);
        } catch (IOException | InterruptedException | RuntimeException e) {
            sync.close();
            throw e;
        }
    }

    /**
     * Starts an exec session whose stdio is reached through its attach socket ({@link #attachSocket}
     * of {@code execId}), its output not logged. conmon holds the command back until {@code attach} has connected, so no
     * output is lost.
     */
    public AttachedExec execAttached(String id, String execId, Path dir, Runc runc, Path process, Stdio stdio)
            throws IOException, InterruptedException {
        var extra = new ArrayList<String>(List.of("--exec-attach"));
        if (stdio.tty()) {
            extra.add("-t");
        }
        if (stdio.stdin()) {
            extra.add("-i");
        }
        var sync = new SyncPipe(dir.resolve("sync"));
        AttachConnection attached = null;
        try (var ready = new SyncPipe(dir.resolve("attach-pipe")); var start = new StartPipe(dir.resolve("start-pipe"))) {
            var first = spawnExec(List.of(sync.path(), ready.path(), start.path()), id, execId, dir, runc, process, null, extra);
            start.release(); // conmon waits for this before it forks
            first.waitFor(5, TimeUnit.SECONDS);
            if (ready.next(Duration.ofSeconds(CREATE_TIMEOUT_SECONDS)) == null) {
                throw CriException.internal("conmon did not open the attach socket within " + CREATE_TIMEOUT_SECONDS + " s", null);
            }
            attached = AttachConnection.open(attachSocket(execId));
            start.release(); // and for this before it runs the command
            return new AttachedExec(new ExecSession(pid(sync, "run the command"), conmonPid(dir), sync), attached);
        } catch (IOException | InterruptedException | RuntimeException e) {
            if (attached != null) {
                attached.close();
            }
            sync.close();
            throw e;
        }
    }

    /** An exec session and the stdio connection opened before its command started. */
    public record AttachedExec(ExecSession session, AttachConnection stdio) {
    }

    private Process spawnExec(List<Path> fifos, String id, String execId, Path dir, Runc runc, Path process, Path logPath,
                              List<String> extra) throws IOException {
        var args = new ArrayList<>(List.of("-e", "--exec-process-spec", process.toString()));
        args.addAll(extra);
        // the session's own bundle dir (for its ctl FIFO and attach socket) and exit dir (conmon names
        // exec exit files after the container, not the session)
        return spawn(fifos, id, execId, execId, dir, dir.resolve("pid"), dir.resolve("conmon.pid"), dir, runc, logPath, args);
    }

    /** A running exec session: its process's host pid, its conmon's, and the pipe the exit code will come on. */
    public record ExecSession(long pid, long conmonPid, SyncPipe pipe) implements AutoCloseable {
        /** The exit code, or empty if the command is still running after {@code timeout}. */
        public OptionalInt awaitExit(Duration timeout) throws InterruptedException {
            var message = pipe.next(timeout);
            return message == null ? OptionalInt.empty() : OptionalInt.of(message.path("data").asInt(-1));
        }

        /** Waits (briefly) for conmon to finish writing and exit, so the session dir can be removed. */
        @Override
        public void close() throws IOException {
            ProcessHandle.of(conmonPid).ifPresent(conmon -> {
                try {
                    conmon.onExit().get(2, TimeUnit.SECONDS);
                } catch (ExecutionException | TimeoutException e) {
                    // a conmon still running is killed with its session's command by the caller
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            pipe.close();
        }
    }

    private static long conmonPid(Path dir) throws IOException {
        try {
            return Long.parseLong(Files.readString(dir.resolve("conmon.pid")).strip());
        } catch (NoSuchFileException | NumberFormatException e) {
            return -1;
        }
    }

    /**
     * Starts conmon with {@code fifos} opened as fds 3, 4, 5… in the order sync pipe (written by
     * conmon), attach pipe (written), start pipe (read), named to it by the {@code _OCI_*} variables.
     */
    private Process spawn(List<Path> fifos, String id, String uuid, String name, Path bundle, Path pidFile, Path conmonPidFile,
                          Path exits, Runc runc, Path logPath, List<String> extra) throws IOException {
        var redirects = new StringBuilder("exec");
        for (int i = 0; i < fifos.size(); i++) {
            redirects.append(' ').append(i + 3).append(i == 2 ? "<" : ">").append("\"$").append(i + 1).append('"');
        }
        var args = new ArrayList<>(List.of("sh", "-c", redirects + "; shift " + fifos.size() + "; exec \"$@\"", "conmon"));
        fifos.forEach(fifo -> args.add(fifo.toString()));
        args.addAll(List.of(binary.toString(), "--api-version", "1", "-c", id, "-u", uuid, "-n", name,
                "-r", runc.binary().toString(), "-b", bundle.toString(),
                "-p", pidFile.toString(), "-P", conmonPidFile.toString(),
                "--exit-dir", exits.toString(), "-l", logPath == null ? "none" : "k8s-file:" + logPath,
                "--socket-dir-path", socketDir.toString(), "--log-level", "error"));
        // the runtime's own log (warnings such as a device rule its systemd driver cannot name) goes to a file in the
        // bundle: on its stderr, which conmon gives it, it would be in the container's log; errors still reach conmon
        for (var arg : runtimeArgs(runc, bundle)) {
            args.add("--runtime-arg");
            args.add(arg);
        }
        if (systemdCgroup) {
            args.add("-s");
        }
        args.addAll(extra);
        var builder = new ProcessBuilder(args)
                .directory(pidFile.getParent().toFile()) // conmon writes files such as "oom" into its working directory
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectErrorStream(true);
        ServiceManagerVariables.removeFrom(builder.environment());
        var names = List.of("_OCI_SYNCPIPE", "_OCI_ATTACHPIPE", "_OCI_STARTPIPE");
        for (int i = 0; i < fifos.size(); i++) {
            builder.environment().put(names.get(i), String.valueOf(i + 3));
        }
        return builder.start();
    }

    /** The arguments conmon passes the runtime before its command: its global ones and a log file in {@code bundle}. */
    static List<String> runtimeArgs(Runc runc, Path bundle) {
        var args = new ArrayList<>(runc.globalArgs());
        args.add("--log=" + bundle.resolve("runtime.log"));
        return args;
    }

    private static long pid(SyncPipe sync, String what) throws InterruptedException {
        var message = sync.next(Duration.ofSeconds(CREATE_TIMEOUT_SECONDS));
        if (message == null) {
            throw CriException.internal("conmon did not report within " + CREATE_TIMEOUT_SECONDS + " s", null);
        }
        long pid = message.path("data").asLong(-1);
        if (pid <= 0) {
            var text = message.path("message").asText("conmon reported no pid").strip();
            throw CriException.failedPrecondition("cannot %s: %s", what, runtimeError(text));
        }
        return pid;
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
