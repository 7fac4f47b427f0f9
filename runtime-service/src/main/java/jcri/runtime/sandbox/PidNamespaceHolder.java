package jcri.runtime.sandbox;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import jcri.api.CriException;
import jcri.process.ProcessIdentity;
import jcri.process.ServiceManagerVariables;

/**
 * Holds a pod-level PID namespace: a detached {@code unshare --pid --fork} whose child, pid 1
 * of the new namespace, is {@code tini} running {@code tail -f /dev/null}, which waits forever and is
 * named for nothing a workload runs (critest looks for a leftover {@code sleep} after a timed-out
 * exec, with {@code pgrep sleep}, in a pod sharing this namespace). As the namespace's init, tini reaps
 * the orphans of every container and exec session, as a pause container would. Containers of the
 * pod join {@code /proc/<holder>/ns/pid_for_children}. It outlives jcrid and dies with the pod;
 * its {@link ProcessIdentity}, kept in the pod's directory, keeps a stop from killing another process
 * that got its pid after it ended (records outlive reboots, pids are reused).
 */
public final class PidNamespaceHolder {
    private static final String PID_FILE = "pid-holder.pid";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(10);
    private final Path init;

    /** {@code init}: a reaping init for pid 1 (Debian's {@code tini}). */
    public PidNamespaceHolder(Path init) {
        this.init = init;
    }

    /**
     * Starts the holder and returns its pid (the unshare process); in {@code userns} (a pinned user namespace) when
     * given, as its root, so that the namespace belongs to the pod's user namespace.
     */
    public long start(Path podDir, Optional<Path> userns) throws IOException, InterruptedException {
        if (!Files.isExecutable(init)) {
            throw CriException.failedPrecondition("a pod-level PID namespace needs %s (Debian's tini)", init);
        }
        var command = new ArrayList<>(List.of("setsid"));
        userns.ifPresent(file -> command.addAll(List.of("nsenter", "--user=" + file, "--")));
        command.addAll(List.of("unshare", "--pid", "--fork", "--kill-child", init.toString(), "--", "tail", "-f", "/dev/null"));
        var builder = new ProcessBuilder(command);
        ServiceManagerVariables.removeFrom(builder.environment());
        var process = builder
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(podDir.resolve("pid-holder.log").toFile())
                .start();
        var ns = Path.of("/proc/" + process.pid() + "/ns/pid_for_children");
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos(); // unshare forks tini: quick, unless the node is loaded
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw CriException.internal("the pod's PID namespace holder exited: " + Files.readString(podDir.resolve("pid-holder.log")), null);
            }
            var identity = ProcessIdentity.of(process.pid());
            if (childOf(process.pid()) && identity.isPresent()) {
                Files.writeString(podDir.resolve(PID_FILE), identity.get().line());
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

    /**
     * Kills the holder recorded in a pod directory, which takes every process of the namespace with it,
     * if that very holder still runs. Idempotent; a pod without a holder has no record of one.
     */
    public static void stop(Path podDir) throws IOException {
        recorded(podDir).flatMap(ProcessHandle::of).ifPresent(ProcessHandle::destroyForcibly);
    }

    /** Whether the holder recorded in a pod directory still runs: containers may join its namespace (false if unreadable). */
    public static boolean running(Path podDir) {
        try {
            return recorded(podDir).isPresent();
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** The pid of the holder recorded in {@code podDir}, if that very process (not one that got its pid since) runs. */
    private static Optional<Long> recorded(Path podDir) throws IOException {
        var file = podDir.resolve(PID_FILE);
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        var line = Files.readString(file).strip();
        if (line.contains(" ")) {
            var holder = ProcessIdentity.parse(line);
            return holder.running() ? Optional.of(holder.pid()) : Optional.empty();
        }
        long pid = Long.parseLong(line); // written before identities were: an unshare that started before the file
        var written = Files.getLastModifiedTime(file).toInstant();
        return ProcessHandle.of(pid).map(ProcessHandle::info)
                .filter(i -> i.command().orElse("").endsWith("unshare") && i.startInstant().map(t -> !t.isAfter(written)).orElse(false))
                .map(i -> pid);
    }

    private static boolean childOf(long pid) throws IOException {
        var children = Path.of("/proc/" + pid + "/task/" + pid + "/children");
        return Files.exists(children) && !Files.readString(children).isBlank();
    }
}
