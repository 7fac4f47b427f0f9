package jcri.runtime.container;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchService;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;
import jcri.process.ProcessIdentity;
import jcri.runtime.cgroup.OomKillLedger;
import jcri.runtime.Times;

/**
 * Turns what tells of a container's end into {@link ContainerTable#update}s: conmon's exit file
 * (inotify on the exit dir), OOM kills (the container's memory cgroup, or its pod's once that is gone:
 * {@link OomKillLedger}) and a conmon that died without writing one (checked every two seconds, and after
 * inotify's queue overflowed, which also catches an exit whose event was lost). conmon is known by its
 * {@link ConmonIdentity}, never by a bare pid.
 */
public final class ExitMonitor implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(ExitMonitor.class.getName());
    private static final long TICK_NANOS = 2_000_000_000L;

    private final ContainerTable table;
    private final ContainerBundles bundles;
    private final Map<String, ? extends OciRuntime> runtimes;
    private final WatchService watch;
    private final OomKillLedger oomKills = new OomKillLedger();
    private final RuntimeDeletions deletions;
    private Thread thread;

    /**
     * Starts watching the exit dir at once, so no exit file is missed; events are handled from {@link #start}. An exit
     * conmon reports begins the deletion of the container's runtime state on {@code deletions} (see {@link RuntimeDeletions}).
     */
    public ExitMonitor(ContainerTable table, ContainerBundles bundles, Map<String, ? extends OciRuntime> runtimes, Executor deletions)
            throws IOException {
        this.table = table;
        this.bundles = bundles;
        this.runtimes = runtimes;
        this.deletions = new RuntimeDeletions(runtimes, deletions);
        this.watch = FileSystems.getDefault().newWatchService();
        bundles.exitDir().register(watch, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY);
    }

    /**
     * Counts the OOM kills of container {@code id} from now on, also if its cgroup is gone when it ends:
     * for a container just created (its memory cgroup noted, no kills yet) or found running at start-up.
     */
    public void countOomKills(String id) {
        bundles.memoryCgroup(id).ifPresent(cgroup -> oomKills.open(cgroup, others(id, false)));
    }

    /** Holds back the deletion of the runtime state of a container being started (see {@link RuntimeDeletions#hold}). */
    void holdRuntimeState(String id) {
        deletions.hold(id);
    }

    /** Ends {@link #holdRuntimeState}: a deletion its exit asked for meanwhile begins. */
    void releaseRuntimeState(String id) {
        deletions.release(id);
    }

    /** Deletes the runtime state of a container that has exited (see {@link RuntimeDeletions#delete}). */
    void deleteRuntimeState(ContainerRecord record) throws IOException, InterruptedException {
        deletions.delete(record);
    }

    /** Handles exit files and checks monitors from now on, in a thread of its own. */
    public synchronized void start() {
        if (thread == null) {
            thread = Thread.ofPlatform().daemon().name("exit-monitor").start(this::run);
        }
    }

    private void run() {
        try {
            long lastTick = System.nanoTime();
            while (true) {
                var key = watch.poll(2, TimeUnit.SECONDS);
                if (System.nanoTime() - lastTick >= TICK_NANOS) {
                    lastTick = System.nanoTime();
                    checkMonitors();
                }
                if (key == null) {
                    continue;
                }
                for (var event : key.pollEvents()) {
                    if (event.kind() == StandardWatchEventKinds.OVERFLOW) {
                        checkMonitors(); // the kernel's queue overflowed: look at every container instead
                    } else if (event.context() instanceof Path file && !file.toString().startsWith(".")) {
                        exitFileChanged(file.toString());
                    }
                }
                key.reset();
            }
        } catch (InterruptedException | ClosedWatchServiceException e) {
            // closing
        }
    }

    /**
     * Records the exit conmon wrote for container {@code id}: the code, the file's modification time as
     * the finish (never before the start), OOMKilled if the OOM killer took one of its processes. An
     * empty file is ignored: conmon is still writing it, and its modification brings another call.
     */
    void exitFileChanged(String id) {
        var record = table.find(id);
        var file = bundles.exitFile(id);
        if (record.isEmpty() || record.get().state() == ContainerState.EXITED || !Files.exists(file)) {
            return;
        }
        try {
            var text = Files.readString(file).strip();
            if (text.isEmpty()) {
                return;
            }
            int code = Integer.parseInt(text);
            long finished = Math.max(Times.nanos(Files.getLastModifiedTime(file).toInstant()), record.get().startedNanos());
            boolean oom = settleOomKills(id) > 0;
            var reason = oom ? ContainerTable.OOM_KILLED : code == 0 ? "Completed" : "Error";
            var exited = record.get().exited(finished, code, reason, oom ? "the kernel's OOM killer ended a process of the container" : "");
            if (table.update(exited)) {
                deletions.exited(exited);
            }
        } catch (IOException | NumberFormatException e) {
            LOG.warning("cannot read exit file " + file + ": " + e);
        }
    }

    /**
     * Finds containers whose conmon died without writing an exit file: nothing would ever report
     * them, so the orphaned container is killed and recorded exited (137) with the reason.
     */
    void checkMonitors() {
        for (var record : table.list()) {
            if (record.state() == ContainerState.EXITED) {
                continue;
            }
            try {
                checkMonitor(record);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (IOException | RuntimeException e) {
                LOG.fine(() -> "cannot check the monitor of " + record.id() + ": " + e);
            }
        }
    }

    private void checkMonitor(ContainerRecord record) throws IOException, InterruptedException {
        var bundle = bundles.path(record.id());
        if (ConmonIdentity.alive(bundle)) {
            return;
        }
        exitFileChanged(record.id());
        var current = table.find(record.id());
        if (current.isEmpty() || current.get().state() == ContainerState.EXITED) {
            return;
        }
        var monitor = ConmonIdentity.read(bundle).map(ProcessIdentity::pid).map(pid -> "conmon (pid " + pid + ")").orElse("conmon");
        LOG.warning(monitor + " of container " + record.id() + " died; killing the container");
        OciRuntime.of(runtimes, record.handler()).kill(record.id(), "KILL", true);
        settleOomKills(record.id()); // the reason stays the monitor's death; settled so no sibling is given its kills
        table.update(current.get().exited(Times.now(), 137, "Error",
                monitor + ", the container's monitor, died; the container was killed"));
    }

    /** The OOM kills of the ended container {@code id} (0 if unknown), settled in the ledger. */
    private long settleOomKills(String id) {
        return bundles.memoryCgroup(id)
                .map(cgroup -> oomKills.settle(cgroup, others(id, false), others(id, true)).orElse(0))
                .orElse(0L);
    }

    /** The memory cgroups of the containers other than {@code id} that have ended (or not). */
    private List<Path> others(String id, boolean ended) {
        return table.list().stream()
                .filter(r -> !r.id().equals(id) && (r.state() == ContainerState.EXITED) == ended)
                .flatMap(r -> bundles.memoryCgroup(r.id()).stream())
                .toList();
    }

    @Override
    public void close() throws IOException {
        watch.close();
        synchronized (this) {
            if (thread != null) {
                thread.interrupt();
            }
        }
    }
}
