package jcri.runtime.sandbox;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import jcri.api.CriException;

/**
 * Holds a pod-level PID namespace: a detached {@code unshare --pid --fork} whose child, pid 1
 * of the new namespace, is {@code tini} running {@code tail -f /dev/null}, which waits forever and is
 * named for nothing a workload runs (critest looks for a leftover {@code sleep} after a timed-out
 * exec, with {@code pgrep sleep}, in a pod sharing this namespace). As the namespace's init, tini reaps
 * the orphans of every container and exec session, as a pause container would. Containers of the
 * pod join {@code /proc/<holder>/ns/pid_for_children}. It outlives jcrid and dies with the pod.
 */
public final class PidNamespaceHolder {
    private static final String PID_FILE = "pid-holder.pid";
    private static final java.time.Duration START_TIMEOUT = java.time.Duration.ofSeconds(10);
    private final Path init;

    /** {@code init}: a reaping init for pid 1 (Debian's {@code tini}). */
    public PidNamespaceHolder(Path init) {
        this.init = init;
    }

    /** Starts the holder and returns its pid (the unshare process). */
    public long start(Path podDir) throws IOException, InterruptedException {
        if (!Files.isExecutable(init)) {
            throw CriException.failedPrecondition("a pod-level PID namespace needs %s (Debian's tini)", init);
        }
        var process = new ProcessBuilder(List.of("setsid", "unshare", "--pid", "--fork", "--kill-child",
                init.toString(), "--", "tail", "-f", "/dev/null"))
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(podDir.resolve("pid-holder.log").toFile())
                .start();
        var ns = Path.of("/proc/" + process.pid() + "/ns/pid_for_children");
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos(); // unshare forks tini: quick, unless the node is loaded
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw CriException.internal("the pod's PID namespace holder exited: " + Files.readString(podDir.resolve("pid-holder.log")), null);
            }
            if (childOf(process.pid())) {
                Files.writeString(podDir.resolve(PID_FILE), Long.toString(process.pid()));
                return process.pid();
            }
            TimeUnit.MILLISECONDS.sleep(2);
        }
        process.destroyForcibly();
        throw CriException.internal("the pod's PID namespace holder did not start within " + START_TIMEOUT.toSeconds() + " s: " + ns, null);
    }

    /** The namespace file containers join. */
    public static Path namespace(long holderPid) {
        return Path.of("/proc/" + holderPid + "/ns/pid_for_children");
    }

    public static boolean alive(long holderPid) {
        return holderPid > 0 && ProcessHandle.of(holderPid).map(ProcessHandle::isAlive).orElse(false);
    }

    /** Kills the holder, which takes every process of the namespace with it. */
    public static void stop(long holderPid) {
        if (holderPid > 0) {
            ProcessHandle.of(holderPid).ifPresent(ProcessHandle::destroyForcibly);
        }
    }

    /** Kills the holder recorded in a pod directory (for pods whose record a crash lost), if it still runs. */
    public static void stopIn(Path podDir) throws IOException {
        var file = podDir.resolve(PID_FILE);
        if (Files.exists(file)) {
            long pid = Long.parseLong(Files.readString(file).strip());
            ProcessHandle.of(pid).filter(p -> p.info().command().orElse("").endsWith("unshare")).ifPresent(ProcessHandle::destroyForcibly);
        }
    }

    private static boolean childOf(long pid) throws IOException {
        var children = Path.of("/proc/" + pid + "/task/" + pid + "/children");
        return Files.exists(children) && !Files.readString(children).isBlank();
    }
}
