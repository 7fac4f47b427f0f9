package jcri.runtime.container;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Logger;
import jcri.api.CriException;
import jcri.api.Timeouts;
import jcri.api.v1.ContainerConfig;
import jcri.api.v1.LinuxContainerResources;
import jcri.image.ImageLookup;
import jcri.linux.Fifos;
import jcri.runtime.Times;
import jcri.runtime.cgroup.CgroupDriver;
import jcri.runtime.cgroup.CgroupReader;
import jcri.runtime.oci.OciSpecBuilder;
import jcri.runtime.oci.SpecInput;
import jcri.runtime.sandbox.Ids;
import jcri.runtime.sandbox.PodLookup;
import jcri.snapshot.MountTable;
import jcri.snapshot.Snapshotter;
import jcri.steps.Steps;

/**
 * The CRI container calls under conmon and an OCI runtime: create (rootfs snapshot, OCI spec, conmon +
 * runtime create), start, stop, remove, resource updates and log reopening. State lives in the
 * {@link ContainerTable}; exits come from the {@link ExitMonitor}; the queries only read the table.
 */
public final class ContainerManager implements PodContainers {
    private static final Logger LOG = Logger.getLogger(ContainerManager.class.getName());
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration KILL_WAIT = Duration.ofSeconds(10);
    private static final Duration REOPEN_WAIT = Duration.ofSeconds(5);

    private final ContainerTable table;
    private final ContainerBundles bundles;
    private final ExitMonitor monitor;
    private final CgroupDriver cgroupDriver;
    private final PodLookup pods;
    private final ImageLookup images;
    private final Snapshotter snapshots;
    private final OciSpecBuilder specs;
    private final Conmon conmon;
    private final Map<String, Runc> runtimes;
    private final CgroupReader cgroups;
    private final Steps steps;
    private final ContainerPlacement placement = new ContainerPlacement(this::running);

    public ContainerManager(ContainerTable table, ContainerBundles bundles, ExitMonitor monitor, CgroupDriver cgroupDriver,
                            PodLookup pods, ImageLookup images, Snapshotter snapshots, OciSpecBuilder specs, Conmon conmon,
                            Map<String, Runc> runtimes, CgroupReader cgroups, Steps steps) {
        this.table = table;
        this.bundles = bundles;
        this.monitor = monitor;
        this.cgroupDriver = cgroupDriver;
        this.pods = pods;
        this.images = images;
        this.snapshots = snapshots;
        this.specs = specs;
        this.conmon = conmon;
        this.runtimes = runtimes;
        this.cgroups = cgroups;
        this.steps = steps;
    }

    /** Creates a container in a ready pod and returns its id; on failure nothing of it is left. */
    public String create(String podId, ContainerConfig config) throws IOException, InterruptedException {
        var pod = pods.find(podId).orElseThrow(() -> CriException.notFound("pod sandbox %s not found", podId));
        if (!pod.ready()) {
            throw CriException.failedPrecondition("pod sandbox %s is not ready", podId);
        }
        ContainerRequest.check(pod, config);
        var name = config.getMetadata().getName();
        var imageName = config.getImage().getImage();
        var image = images.find(imageName).orElseThrow(() -> CriException.notFound("image %s is not present on the node", imageName));
        var key = ContainerTable.nameKey(podId, config);
        var id = Ids.newId();
        table.reserve(key, id);
        var bundle = bundles.path(id);
        var rootfs = bundle.resolve("rootfs");
        var runc = runtime(pod.handler());
        boolean snapshot = false;
        boolean created = false;
        try {
            Files.createDirectories(rootfs);
            snapshot = true; // released even if not made yet
            var userns = pod.namespaces().user();
            steps.run("rootfs_mount", () -> {
                var layers = snapshots.prepare(id, image.chainId());
                MountTable.mountAll(userns.isPresent() ? UsernsMounts.rootfs(layers, bundle, userns.get()) : layers, rootfs);
            });
            // the record keeps the config as given, for ContainerStatus
            var mounted = UsernsMounts.volumes(bundles.mountImageVolumes(id, config), bundle, userns);
            var spec = specs.build(new SpecInput(id, mounted, pod.config(), image.spec(), rootfs,
                    placement.namespaces(pod, config), pod.files(), cgroupDriver.containerPath(pod.cgroupParent(), id), runc.features()));
            Files.write(bundle.resolve("config.json"), JSON.writeValueAsBytes(spec));
            var logPath = ContainerPlacement.logPath(pod, config, bundle);
            Files.createDirectories(logPath.getParent());
            long pid = steps.time("runc_create", () -> conmon.create(id, name, bundle, runc, logPath,
                    new Conmon.Stdio(config.getTty(), config.getStdin(), config.getStdinOnce())));
            created = true;
            ConmonIdentity.record(bundle);
            bundles.recordMemoryCgroup(id, cgroups.memoryCgroup(pid));
            table.add(new ContainerRecord(id, podId, config.toByteArray(), image.id(), imageName, ContainerState.CREATED,
                    Times.now(), 0, 0, 0, "", "", logPath.toString(), pid, pod.handler(),
                    StopSignals.chosen(config.getStopSignal(), image.spec().stopSignal()),
                    spec.process().user(), null));
            monitor.countOomKills(id);
            return id;
        } catch (IOException | InterruptedException | RuntimeException e) {
            try {
                if (created) {
                    runc.delete(id);
                }
                bundles.release(id, snapshot);
            } catch (IOException | RuntimeException cleanup) {
                e.addSuppressed(cleanup);
            }
            table.release(key, id);
            throw e;
        }
    }

    public void start(String id) throws IOException, InterruptedException {
        var record = get(id);
        if (record.state() != ContainerState.CREATED) {
            throw CriException.failedPrecondition("container %s is %s, only a created container can be started", id, record.state());
        }
        var pod = pods.find(record.podId());
        if (pod.isEmpty() || !pod.get().ready()) {
            throw CriException.failedPrecondition("pod sandbox %s of container %s is not ready", record.podId(), id);
        }
        var started = record.started(Times.now());
        monitor.holdRuntimeState(record.id()); // a process that exits at once must not have its state deleted under runc start
        table.update(started); // before runc start, so an exit reported at once finds the start time
        try {
            steps.run("runc_start", () -> runtime(record.handler()).start(record.id()));
        } catch (IOException | InterruptedException | RuntimeException e) {
            // the runtime refused, timed out or could not be run: whatever it did, the container is not running
            table.update(started.exited(Times.now(), 128, "StartError", e.getMessage()));
            killAfterFailedStart(record);
            throw e;
        } finally {
            monitor.releaseRuntimeState(record.id());
        }
    }

    /** Kills what a start that failed half-way may have left running; the record already says the container exited. */
    private void killAfterFailedStart(ContainerRecord record) {
        try {
            runtime(record.handler()).kill(record.id(), "KILL", true);
        } catch (IOException | InterruptedException | RuntimeException e) {
            LOG.warning("cannot kill container " + record.id() + " after its failed start: " + e);
        }
    }

    /**
     * Stops a container: its stop signal, then SIGKILL after {@code timeoutSeconds} (0 = at once).
     * Returns once the table records the exit. Idempotent.
     */
    public void stop(String id, long timeoutSeconds) throws IOException, InterruptedException {
        monitor.exitFileChanged(id); // an exit conmon has written already needs no signal
        var record = get(id);
        if (record.state() == ContainerState.EXITED) {
            return;
        }
        var runc = runtime(record.handler());
        if (timeoutSeconds > 0) {
            runc.kill(id, StopSignals.forRuntime(record.stopSignal()), false);
            if (table.awaitExit(id, Timeouts.seconds(timeoutSeconds))) {
                return;
            }
        }
        runc.kill(id, "KILL", true);
        if (!table.awaitExit(id, KILL_WAIT)) {
            var current = get(id);
            if (current.state() == ContainerState.CREATED) {
                runc.delete(id); // never started: conmon writes no exit file until the runtime record goes
                table.update(current.exited(Times.now(), 137, "Error", "killed before it was started"));
                return;
            }
            throw CriException.internal("container " + id + " did not exit within " + KILL_WAIT.toSeconds() + " s of SIGKILL", null);
        }
    }

    /** Removes a container (stopping it first); unknown ids are fine. */
    public void remove(String id) throws IOException, InterruptedException {
        var found = lookup(id);
        if (found.isEmpty()) {
            return;
        }
        var record = found.get();
        stop(record.id(), 0);
        monitor.deleteRuntimeState(record);
        bundles.release(record.id(), true);
        table.remove(record);
    }

    @Override
    public void stopAll(String podId, long timeoutSeconds) throws IOException, InterruptedException {
        for (var record : table.forPod(podId)) {
            steps.run("container_stop", () -> stop(record.id(), timeoutSeconds));
        }
    }

    @Override
    public void removeAll(String podId) throws IOException, InterruptedException {
        for (var record : table.forPod(podId)) {
            remove(record.id());
        }
    }

    public void updateResources(String id, LinuxContainerResources resources) throws IOException, InterruptedException {
        var record = get(id);
        if (record.state() == ContainerState.EXITED) {
            throw CriException.failedPrecondition("container %s has exited; its resources cannot change", id);
        }
        var file = bundles.path(record.id()).resolve("resources.json");
        Files.write(file, JSON.writeValueAsBytes(specs.resources(resources)));
        runtime(record.handler()).update(record.id(), file);
        table.resize(record.id(), resources);
    }

    /**
     * Asks conmon to reopen the container's log file (after the kubelet rotated it) and returns once the
     * new file exists, as the kubelet expects when the call returns.
     */
    public void reopenLog(String idOrPrefix) throws IOException, InterruptedException {
        monitor.exitFileChanged(get(idOrPrefix).id()); // an exited container has no conmon to ask: say it is not running
        var record = running(idOrPrefix);
        var bundle = bundles.path(record.id());
        Fifos.writeLine(bundle.resolve("ctl").toString(), "2 0 0\n");
        var log = Path.of(record.logPath());
        long deadline = System.nanoTime() + REOPEN_WAIT.toNanos();
        while (!Files.exists(log)) {
            if (System.nanoTime() > deadline || !ConmonIdentity.alive(bundle)) {
                throw CriException.internal("conmon did not reopen the log " + log + " of container " + record.id()
                        + " within " + REOPEN_WAIT.toSeconds() + " s", null);
            }
            Thread.sleep(5);
        }
    }

    /** The container, which must be running (FAILED_PRECONDITION otherwise). */
    public ContainerRecord running(String idOrPrefix) {
        var record = get(idOrPrefix);
        if (record.state() != ContainerState.RUNNING) {
            throw CriException.failedPrecondition("container %s is not running (%s)", record.id(), record.state());
        }
        return record;
    }

    /** The container by id or unambiguous prefix; NOT_FOUND otherwise. */
    public ContainerRecord get(String idOrPrefix) {
        return lookup(idOrPrefix).orElseThrow(() -> CriException.notFound("container %s not found", idOrPrefix));
    }

    public Optional<ContainerRecord> lookup(String idOrPrefix) {
        return table.lookup(idOrPrefix);
    }

    public List<ContainerRecord> list() {
        return table.list();
    }

    /** The container's bundle dir (config.json, rootfs, conmon's attach socket and ctl FIFO). */
    public Path bundle(String id) {
        return bundles.path(id);
    }

    /** Waits up to {@code timeout} for the container's exit to be recorded; true if it was (or the container is gone). */
    boolean awaitExit(String id, Duration timeout) throws InterruptedException {
        return table.awaitExit(id, timeout);
    }

    /** The OCI runtime of a container's pod. */
    Runc runtimeOf(ContainerRecord record) {
        return runtime(record.handler());
    }

    private Runc runtime(String handler) {
        return OciRuntime.of(runtimes, handler);
    }
}
