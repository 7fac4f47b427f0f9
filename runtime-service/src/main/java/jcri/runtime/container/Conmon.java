package jcri.runtime.container;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import jcri.api.CriException;

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
            spawn(sync, id, id, name, bundle, bundle.resolve("pidfile"), bundle.resolve("conmon.pid"), exitDir, runc, logPath, extra);
            return pid(sync, "create container " + name);
        }
    }

    /**
     * Starts an exec session: conmon runs {@code process} (an OCI process JSON) in the container,
     * logs its output to {@code logPath} and reports the exit code on the returned pipe, whose
     * pid message has been read already. The caller closes the pipe.
     */
    public ExecSession exec(String id, String execId, Path bundle, Path dir, Runc runc, Path process, Path logPath)
            throws IOException, InterruptedException {
        var sync = new SyncPipe(dir.resolve("sync"));
        try {
            // the session's own exit dir: conmon names exec exit files after the container, not the session
            spawn(sync, id, execId, execId, bundle, dir.resolve("pid"), dir.resolve("conmon.pid"), dir, runc, logPath,
                    List.of("-e", "--exec-process-spec", process.toString()));
            return new ExecSession(pid(sync, "run the command"), sync);
        } catch (IOException | InterruptedException | RuntimeException e) {
            sync.close();
            throw e;
        }
    }

    /** A running exec session: its process's host pid and the pipe its exit code will come on. */
    public record ExecSession(long pid, SyncPipe pipe) implements AutoCloseable {
        /** The exit code, or empty if the command is still running after {@code timeout}. */
        public java.util.OptionalInt awaitExit(java.time.Duration timeout) throws InterruptedException {
            var message = pipe.next(timeout);
            return message == null ? java.util.OptionalInt.empty() : java.util.OptionalInt.of(message.path("data").asInt(-1));
        }

        @Override
        public void close() throws IOException {
            pipe.close();
        }
    }

    private void spawn(SyncPipe sync, String id, String uuid, String name, Path bundle, Path pidFile, Path conmonPidFile,
                       Path exits, Runc runc, Path logPath, List<String> extra) throws IOException, InterruptedException {
        var args = new ArrayList<>(List.of("sh", "-c", "exec 3>\"$0\"; exec \"$@\"", sync.path().toString(),
                binary.toString(), "--api-version", "1", "-c", id, "-u", uuid, "-n", name,
                "-r", runc.binary().toString(), "-b", bundle.toString(),
                "-p", pidFile.toString(), "-P", conmonPidFile.toString(),
                "--exit-dir", exits.toString(), "-l", "k8s-file:" + logPath,
                "--socket-dir-path", socketDir.toString(), "--log-level", "error"));
        for (var arg : runc.globalArgs()) {
            args.add("--runtime-arg");
            args.add(arg);
        }
        if (systemdCgroup) {
            args.add("-s");
        }
        args.addAll(extra);
        var builder = new ProcessBuilder(args)
                .directory(pidFile.getParent().toFile()) // conmon writes files such as "oom" into its working directory
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectErrorStream(true);
        builder.environment().put("_OCI_SYNCPIPE", "3");
        builder.start().waitFor(5, TimeUnit.SECONDS); // conmon's first process exits once it has forked
    }

    private static long pid(SyncPipe sync, String what) throws InterruptedException {
        var message = sync.next(java.time.Duration.ofSeconds(CREATE_TIMEOUT_SECONDS));
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
