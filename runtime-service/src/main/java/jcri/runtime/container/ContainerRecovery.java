package jcri.runtime.container;

import java.io.IOException;
import java.util.Map;
import java.util.TreeSet;
import java.util.logging.Logger;
import jcri.process.ProcessIdentity;
import jcri.runtime.Times;
import jcri.runtime.sandbox.Ids;
import jcri.snapshot.Info;
import jcri.snapshot.Snapshotter;

/**
 * What jcrid does with containers once at start-up, before it serves: loads their records into the
 * table, releases what a crash left half-made without a record, and reconciles each record with what
 * happened while jcrid was down. Containers outlive jcrid: conmon keeps watching them meanwhile.
 */
public final class ContainerRecovery {
    private static final Logger LOG = Logger.getLogger(ContainerRecovery.class.getName());

    private final ContainerTable table;
    private final ContainerBundles bundles;
    private final Snapshotter snapshots;
    private final Map<String, ? extends OciRuntime> runtimes;
    private final ExitMonitor monitor;

    public ContainerRecovery(ContainerTable table, ContainerBundles bundles, Snapshotter snapshots,
                             Map<String, ? extends OciRuntime> runtimes, ExitMonitor monitor) {
        this.table = table;
        this.bundles = bundles;
        this.snapshots = snapshots;
        this.runtimes = runtimes;
        this.monitor = monitor;
    }

    /** Loads, sweeps and reconciles; the monitor, already watching the exit dir, reports what happens from here on. */
    public void recover() throws IOException, InterruptedException {
        table.load();
        sweepUnfinished();
        for (var record : table.list()) {
            reconcile(record);
        }
    }

    /**
     * Releases what a crash in the middle of a create left behind with no container record:
     * the conmon and runtime state, the rootfs mount, the writable snapshot, image volumes and the bundle.
     */
    private void sweepUnfinished() throws IOException, InterruptedException {
        var leftovers = new TreeSet<String>();
        bundles.ids().stream().filter(Ids::valid).forEach(leftovers::add);
        snapshots.list().stream().filter(i -> i.kind() == Info.Kind.ACTIVE && Ids.valid(i.key())).map(Info::key).forEach(leftovers::add);
        snapshots.list().stream().map(ImageVolumes::container).flatMap(java.util.Optional::stream).forEach(leftovers::add);
        table.list().forEach(r -> leftovers.remove(r.id()));
        for (var id : leftovers) {
            LOG.warning("releasing container " + id + ", left half-made by a crash");
            try {
                ConmonIdentity.adopt(bundles.path(id)).filter(ProcessIdentity::running)
                        .flatMap(c -> ProcessHandle.of(c.pid())).ifPresent(ProcessHandle::destroyForcibly);
                for (var runtime : runtimes.values()) {
                    runtime.delete(id);
                }
                bundles.release(id, true);
            } catch (IOException | RuntimeException e) {
                LOG.warning("cannot release the remains of container " + id + ": " + e);
            }
        }
    }

    /**
     * Records an exit that happened while jcrid was down, or, when the container's conmon is gone and
     * the runtime has no running container either, an exit nobody recorded (Unknown, 255). A container
     * whose conmon still runs needs no runtime call: conmon reports its exit; its OOM kills are counted from now.
     */
    private void reconcile(ContainerRecord record) throws InterruptedException {
        monitor.exitFileChanged(record.id());
        var current = table.find(record.id()).orElseThrow();
        if (current.state() == ContainerState.EXITED) {
            return;
        }
        if (ConmonIdentity.adopt(bundles.path(record.id())).filter(ProcessIdentity::running).isPresent()) {
            monitor.countOomKills(record.id());
            return;
        }
        try {
            var state = OciRuntime.of(runtimes, record.handler()).state(record.id());
            if (state.isEmpty() || state.get().status().equals("stopped") && !java.nio.file.Files.exists(bundles.exitFile(record.id()))) {
                table.update(current.exited(Times.now(), 255, "Unknown", "the container's process is gone and no exit code was recorded"));
            }
        } catch (IOException | RuntimeException e) {
            LOG.warning("cannot reconcile container " + record.id() + ": " + e);
        }
    }
}
