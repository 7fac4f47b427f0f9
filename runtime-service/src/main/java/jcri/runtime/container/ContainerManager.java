package jcri.runtime.container;

import jcri.runtime.cgroup.CgroupDriver;
import jcri.runtime.cgroup.CgroupReader;

import jcri.runtime.Filters;
import jcri.runtime.Times;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.logging.Logger;
import jcri.api.CriException;
import jcri.api.v1.ContainerConfig;
import jcri.api.v1.LinuxContainerResources;
import jcri.api.v1.NamespaceMode;
import jcri.image.ImageLookup;
import jcri.runtime.oci.NamespaceRef;
import jcri.runtime.oci.OciSpecBuilder;
import jcri.runtime.oci.PodNamespaces;
import jcri.runtime.oci.SpecInput;
import jcri.runtime.sandbox.PodLookup;
import jcri.runtime.sandbox.PodRuntime;
import jcri.runtime.sandbox.Ids;
import jcri.steps.Steps;
import jcri.snapshot.MountTable;
import jcri.snapshot.SnapshotException;
import jcri.snapshot.Snapshotter;
import jcri.store.JsonStore;
import jcri.store.Trees;

/**
 * Containers under conmon and an OCI runtime: create (rootfs snapshot, OCI spec, conmon + runtime
 * create), start, stop, remove, status, resource updates and log reopening. Exits are learnt from
 * conmon's exit files, so containers outlive jcrid and are found again when it restarts.
 */
public final class ContainerManager implements PodContainers, AutoCloseable {
    private static final Logger LOG = Logger.getLogger(ContainerManager.class.getName());
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration KILL_WAIT = Duration.ofSeconds(10);
    private static final Duration REOPEN_WAIT = Duration.ofSeconds(5);
    /** File in the bundle naming the container's memory cgroup, for OOM checks after it exits. */
    private static final String MEMORY_CGROUP = "memory-cgroup";
    private static final String OOM_KILLED = "OOMKilled";

    private final Path containersDir;
    private final CgroupDriver cgroupDriver;
    private final PodLookup pods;
    private final ImageLookup images;
    private final Snapshotter snapshots;
    private final OciSpecBuilder specs;
    private final Conmon conmon;
    private final Map<String, Runc> runtimes;
    private final JsonStore<ContainerRecord> store;
    private final Map<String, ContainerRecord> containers = new ConcurrentHashMap<>();
    private final Map<String, String> names = new ConcurrentHashMap<>();
    private final Map<String, CompletableFuture<Void>> exits = new ConcurrentHashMap<>();
    private final ExitWatcher watcher;
    private final CgroupReader cgroups;
    private final ContainerEvents events;
    private final Steps steps;

    public ContainerManager(Path stateDir, CgroupDriver cgroupDriver, PodLookup pods, ImageLookup images, Snapshotter snapshots,
                            OciSpecBuilder specs, Conmon conmon, Map<String, Runc> runtimes, JsonStore<ContainerRecord> store,
                            CgroupReader cgroups, ContainerEvents events, Steps steps) throws IOException {
        this.cgroups = cgroups;
        this.steps = steps;
        this.events = events;
        this.containersDir = Files.createDirectories(stateDir.resolve("containers"));
        this.cgroupDriver = cgroupDriver;
        this.pods = pods;
        this.images = images;
        this.snapshots = snapshots;
        this.specs = specs;
        this.conmon = conmon;
        this.runtimes = runtimes;
        this.store = store;
        for (var record : store.all()) {
            containers.put(record.id(), record);
            names.put(nameKey(record.podId(), record.parsedConfig()), record.id());
        }
        sweepUnfinished();
        this.watcher = new ExitWatcher(conmon.exitDir(), this::onExit, this::checkMonitors);
        for (var record : List.copyOf(containers.values())) {
            reconcile(record);
        }
    }

    /**
     * Releases what a crash in the middle of {@link #create} left behind with no container record:
     * the conmon and runtime state, the rootfs mount, the writable snapshot and the bundle.
     */
    private void sweepUnfinished() throws IOException {
        var leftovers = new java.util.TreeSet<String>();
        try (var dirs = Files.list(containersDir)) {
            dirs.map(d -> d.getFileName().toString()).filter(Ids::valid).forEach(leftovers::add);
        }
        snapshots.list().stream().filter(i -> i.kind() == jcri.snapshot.Info.Kind.ACTIVE && Ids.valid(i.key()))
                .map(jcri.snapshot.Info::key).forEach(leftovers::add);
        leftovers.removeAll(containers.keySet());
        for (var id : leftovers) {
            LOG.warning("releasing container " + id + ", left half-made by a crash");
            var bundle = containersDir.resolve(id);
            try {
                conmon(id).ifPresent(ProcessHandle::destroyForcibly); // only if that pid is still a conmon
                for (var runc : runtimes.values()) {
                    runc.delete(id);
                }
                releaseBundle(id, true);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while releasing container " + id, e);
            } catch (IOException | RuntimeException e) {
                LOG.warning("cannot release the remains of container " + id + ": " + e);
            }
        }
    }

    /** Creates a container in a ready pod and returns its id; on failure nothing of it is left. */
    public String create(String podId, ContainerConfig config) throws IOException, InterruptedException {
        var pod = pods.find(podId).orElseThrow(() -> CriException.notFound("pod sandbox %s not found", podId));
        if (!pod.ready()) {
            throw CriException.failedPrecondition("pod sandbox %s is not ready", podId);
        }
        var name = config.getMetadata().getName();
        if (name.isEmpty()) {
            throw CriException.invalid("container metadata needs a name");
        }
        checkLogPath(pod, config);
        var imageName = config.getImage().getImage();
        var image = images.find(imageName).orElseThrow(() -> CriException.notFound("image %s is not present on the node", imageName));
        var key = nameKey(podId, config);
        var id = jcri.runtime.sandbox.Ids.newId();
        var holder = names.putIfAbsent(key, id);
        if (holder != null) {
            throw CriException.alreadyExists("container name %s is reserved by container %s", key, holder);
        }
        var bundle = containersDir.resolve(id);
        var rootfs = bundle.resolve("rootfs");
        var runc = runtime(pod.handler());
        boolean snapshot = false;
        boolean created = false;
        try {
            Files.createDirectories(rootfs);
            steps.run("rootfs_mount", () -> MountTable.mountAll(snapshots.prepare(id, image.chainId()), rootfs));
            snapshot = true;
            var spec = specs.build(new SpecInput(id, config, pod.config(), image.spec(), rootfs,
                    namespaces(pod, config), pod.files(), cgroupDriver.containerPath(pod.cgroupParent(), id)));
            Files.write(bundle.resolve("config.json"), JSON.writeValueAsBytes(spec));
            var logPath = logPath(pod, config, bundle);
            Files.createDirectories(logPath.getParent());
            long pid = steps.time("runc_create", () -> conmon.create(id, name, bundle, runc, logPath,
                    new Conmon.Stdio(config.getTty(), config.getStdin(), config.getStdinOnce())));
            created = true;
            var memoryCgroup = cgroups.memoryCgroup(pid);
            if (memoryCgroup.isPresent()) {
                Files.writeString(bundle.resolve(MEMORY_CGROUP), memoryCgroup.get().toString());
            }
            var record = new ContainerRecord(id, podId, config.toByteArray(), image.id(), imageName, ContainerState.CREATED,
                    Times.now(), 0, 0, 0, "", "", logPath.toString(), pid, pod.handler(), image.spec().stopSignal());
            store.put(id, record);
            containers.put(id, record);
            publish(record, ContainerEvents.Type.CREATED);
            return id;
        } catch (IOException | InterruptedException | RuntimeException e) {
            try {
                if (created) {
                    runc.delete(id);
                }
                releaseBundle(id, snapshot);
            } catch (IOException | RuntimeException cleanup) {
                e.addSuppressed(cleanup);
            }
            names.remove(key, id);
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
        update(started); // before runc start, so an exit reported at once finds the start time
        publish(started, ContainerEvents.Type.STARTED);
        try {
            steps.run("runc_start", () -> runtime(record.handler()).start(record.id()));
        } catch (IOException | InterruptedException | RuntimeException e) {
            // the runtime refused, timed out or could not be run: whatever it did, the container is not running
            update(started.exited(Times.now(), 128, "StartError", e.getMessage()));
            killAfterFailedStart(record);
            throw e;
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

    /** Stops a running container: its stop signal, then SIGKILL after {@code timeoutSeconds} (0 = at once). Idempotent. */
    public void stop(String id, long timeoutSeconds) throws IOException, InterruptedException {
        var record = get(id);
        if (record.state() != ContainerState.RUNNING && record.state() != ContainerState.CREATED) {
            return;
        }
        var runc = runtime(record.handler());
        var exited = exits.computeIfAbsent(id, k -> new CompletableFuture<>());
        readExitFile(id);
        if (exited.isDone()) {
            return;
        }
        if (timeoutSeconds > 0) {
            runc.kill(id, signal(record.stopSignal()), false);
            if (await(exited, jcri.api.Timeouts.seconds(timeoutSeconds))) {
                return;
            }
        }
        runc.kill(id, "KILL", true);
        if (!await(exited, KILL_WAIT)) {
            if (get(id).state() == ContainerState.CREATED) {
                runc.delete(id); // never started: conmon writes no exit file until the runtime record goes
                update(get(id).exited(Times.now(), 137, "Error", "killed before it was started"));
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
        runtime(record.handler()).delete(record.id());
        releaseBundle(record.id(), true);
        store.delete(record.id());
        containers.remove(record.id());
        exits.remove(record.id());
        names.remove(nameKey(record.podId(), record.parsedConfig()), record.id());
        publish(record, ContainerEvents.Type.DELETED);
    }

    @Override
    public void stopAll(String podId, long timeoutSeconds) throws IOException, InterruptedException {
        for (var record : forPod(podId)) {
            steps.run("container_stop", () -> stop(record.id(), timeoutSeconds));
        }
    }

    @Override
    public void removeAll(String podId) throws IOException, InterruptedException {
        for (var record : forPod(podId)) {
            remove(record.id());
        }
    }

    private List<ContainerRecord> forPod(String podId) {
        return containers.values().stream().filter(c -> c.podId().equals(podId)).toList();
    }

    public void updateResources(String id, LinuxContainerResources resources) throws IOException, InterruptedException {
        var record = get(id);
        if (record.state() == ContainerState.EXITED) {
            throw CriException.failedPrecondition("container %s has exited; its resources cannot change", id);
        }
        var node = JSON.createObjectNode();
        OciSpecBuilder.applyResources(node, resources);
        var file = containersDir.resolve(record.id()).resolve("resources.json");
        Files.write(file, JSON.writeValueAsBytes(node));
        runtime(record.handler()).update(record.id(), file);
    }

    /**
     * Asks conmon to reopen the container's log file (after the kubelet rotated it) and returns once the
     * new file exists, as the kubelet expects when the call returns.
     */
    public void reopenLog(String id) throws IOException, InterruptedException {
        var record = running(id);
        jcri.linux.Fifos.writeLine(containersDir.resolve(record.id()).resolve("ctl").toString(), "2 0 0\n");
        var log = Path.of(record.logPath());
        long deadline = System.nanoTime() + REOPEN_WAIT.toNanos();
        while (!Files.exists(log)) {
            if (System.nanoTime() > deadline || !monitorAlive(record.id())) {
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

    /** The container (by id or unambiguous prefix), its state refreshed from conmon's exit file. */
    public ContainerRecord get(String idOrPrefix) {
        var record = lookup(idOrPrefix).orElseThrow(() -> CriException.notFound("container %s not found", idOrPrefix));
        readExitFile(record.id());
        return containers.getOrDefault(record.id(), record);
    }

    public Optional<ContainerRecord> lookup(String idOrPrefix) {
        return Filters.byIdOrPrefix(containers, idOrPrefix);
    }

    /** Every container, states refreshed from conmon's exit files. */
    public List<ContainerRecord> list() {
        containers.keySet().forEach(this::readExitFile);
        return List.copyOf(containers.values());
    }

    /** The container's bundle dir (config.json, rootfs, conmon's attach socket and ctl FIFO). */
    public Path bundle(String id) {
        return containersDir.resolve(id);
    }

    /**
     * Finds containers whose conmon died without writing an exit file: nothing would ever report
     * them, so the orphaned container is killed and reported exited with the reason.
     */
    private void checkMonitors() {
        for (var record : List.copyOf(containers.values())) {
            if (record.state() == ContainerState.EXITED) {
                continue;
            }
            try {
                if (monitorAlive(record.id())) {
                    continue;
                }
                long conmonPid = conmonPid(record.id());
                readExitFile(record.id());
                if (containers.get(record.id()).state() == ContainerState.EXITED) {
                    continue;
                }
                LOG.warning("conmon " + conmonPid + " of container " + record.id() + " died; killing the container");
                runtime(record.handler()).kill(record.id(), "KILL", true);
                update(containers.get(record.id()).exited(Times.now(), 137, "Error",
                        "conmon (pid " + conmonPid + "), the container's monitor, died; the container was killed"));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (IOException | RuntimeException e) {
                LOG.fine(() -> "cannot check the monitor of " + record.id() + ": " + e);
            }
        }
    }

    private long conmonPid(String id) throws IOException {
        return Long.parseLong(Files.readString(containersDir.resolve(id).resolve("conmon.pid")).strip());
    }

    /** True while the container's conmon runs. */
    private boolean monitorAlive(String id) {
        return conmon(id).map(ProcessHandle::isAlive).orElse(false);
    }

    /** The container's conmon process, if its recorded pid still names a conmon (pids are reused). */
    private Optional<ProcessHandle> conmon(String id) {
        try {
            return ProcessHandle.of(conmonPid(id)).filter(p -> p.info().command().orElse("").endsWith("conmon"));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** True if the OOM killer took a process of the container (its memory cgroup outlives it until removal). */
    private boolean oomKilled(String id) {
        try {
            var file = containersDir.resolve(id).resolve(MEMORY_CGROUP);
            return Files.exists(file) && CgroupReader.oomKills(Path.of(Files.readString(file).strip())) > 0;
        } catch (IOException e) {
            return false;
        }
    }

    private void onExit(String id) {
        if (containers.containsKey(id)) {
            readExitFile(id);
        }
    }

    private void readExitFile(String id) {
        var file = conmon.exitDir().resolve(id);
        var record = containers.get(id);
        if (record == null || record.state() == ContainerState.EXITED || !Files.exists(file)) {
            return;
        }
        try {
            var text = Files.readString(file).strip();
            if (text.isEmpty()) {
                return; // conmon is still writing it; the watcher reports the modification
            }
            int code = Integer.parseInt(text);
            var time = Files.getLastModifiedTime(file).toInstant();
            long finished = Math.max(Times.nanos(time), record.startedNanos());
            var reason = oomKilled(id) ? OOM_KILLED : code == 0 ? "Completed" : "Error";
            update(record.exited(finished, code, reason, reason.equals(OOM_KILLED) ? "the kernel's OOM killer ended a process of the container" : ""));
        } catch (IOException | NumberFormatException e) {
            LOG.warning("cannot read exit file " + file + ": " + e);
        }
    }

    private synchronized void update(ContainerRecord record) {
        if (!containers.containsKey(record.id())) {
            return;
        }
        var current = containers.get(record.id());
        if (current.state() == ContainerState.EXITED && record.state() != ContainerState.EXITED) {
            return; // an exit already seen is final
        }
        store.put(record.id(), record);
        containers.put(record.id(), record);
        if (record.state() == ContainerState.EXITED) {
            if (current.state() != ContainerState.EXITED) {
                if (record.reason().equals(OOM_KILLED)) {
                    events.oomKilled();
                }
                publish(record, ContainerEvents.Type.STOPPED); // before waking a stop, whose caller may remove next
            }
            exits.computeIfAbsent(record.id(), k -> new CompletableFuture<>()).complete(null);
        }
    }

    private void publish(ContainerRecord record, ContainerEvents.Type type) {
        long now = Times.now();
        events.publish(() -> new ContainerEvents.Event(record.id(), record.podId(), type, now, forPod(record.podId())));
    }

    /**
     * After a restart: exits that happened while jcrid was down, containers whose runtime record is
     * gone. A container whose conmon still runs needs no runtime call: conmon reports its exit.
     */
    private void reconcile(ContainerRecord record) {
        readExitFile(record.id());
        var current = containers.get(record.id());
        if (current.state() == ContainerState.EXITED || monitorAlive(record.id())) {
            return;
        }
        try {
            var state = runtime(record.handler()).state(record.id());
            if (state.isEmpty() || state.get().status().equals("stopped") && !Files.exists(conmon.exitDir().resolve(record.id()))) {
                update(current.exited(Times.now(), 255, "Unknown", "the container's process is gone and no exit code was recorded"));
            }
        } catch (IOException | InterruptedException | RuntimeException e) {
            LOG.warning("cannot reconcile container " + record.id() + ": " + e);
        }
    }

    private static boolean await(CompletableFuture<Void> exited, Duration timeout) throws InterruptedException {
        try {
            exited.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (java.util.concurrent.ExecutionException e) {
            return true;
        }
    }

    private PodNamespaces namespaces(PodRuntime pod, ContainerConfig config) {
        var podNs = pod.namespaces();
        var options = config.getLinux().getSecurityContext().getNamespaceOptions();
        NamespaceRef pid = switch (options.getPid()) {
            case POD -> podNs.pid() instanceof NamespaceRef.Join ? podNs.pid() : new NamespaceRef.Fresh();
            case NODE -> new NamespaceRef.Host();
            case TARGET -> {
                var target = running(options.getTargetId());
                yield new NamespaceRef.Join(Path.of("/proc/" + target.pid() + "/ns/pid"));
            }
            default -> new NamespaceRef.Fresh();
        };
        if (options.getPid() == NamespaceMode.CONTAINER && podNs.pid() instanceof NamespaceRef.Join) {
            pid = new NamespaceRef.Fresh();
        }
        return new PodNamespaces(podNs.network(), podNs.ipc(), podNs.uts(), pid);
    }

    /** A log path that leaves the pod's log directory (absolute, or through "..") would let a request write anywhere. */
    private static void checkLogPath(PodRuntime pod, ContainerConfig config) {
        var dir = pod.config().getLogDirectory();
        if (dir.isEmpty() || config.getLogPath().isEmpty()) {
            return;
        }
        var base = Path.of(dir).normalize();
        var log = base.resolve(config.getLogPath()).normalize();
        if (!log.startsWith(base) || log.equals(base)) {
            throw CriException.invalid("log_path '%s' is not a file inside the pod's log directory %s", config.getLogPath(), dir);
        }
    }

    private static Path logPath(PodRuntime pod, ContainerConfig config, Path bundle) {
        var dir = pod.config().getLogDirectory();
        if (dir.isEmpty() || config.getLogPath().isEmpty()) {
            return bundle.resolve("container.log");
        }
        return Path.of(dir).resolve(config.getLogPath());
    }

    /** The OCI runtime of a container's pod. */
    Runc runtimeOf(ContainerRecord record) {
        return runtime(record.handler());
    }

    private Runc runtime(String handler) {
        var runc = runtimes.get(handler);
        if (runc == null) {
            throw CriException.invalid("unknown runtime handler '%s'", handler);
        }
        return runc;
    }

    /**
     * Releases what a container holds on the node once its runtime state is gone: the rootfs mount,
     * its writable snapshot (when one was made), the bundle, conmon's exit file and attach-socket link.
     */
    private void releaseBundle(String id, boolean snapshot) throws IOException {
        var bundle = containersDir.resolve(id);
        MountTable.unmount(bundle.resolve("rootfs"));
        if (snapshot) {
            try {
                snapshots.remove(id);
            } catch (SnapshotException e) {
                if (e.reason() != SnapshotException.Reason.NOT_FOUND) {
                    throw e;
                }
            }
        }
        Trees.delete(bundle);
        Files.deleteIfExists(conmon.exitDir().resolve(id));
        conmon.forget(id);
    }

    private static String signal(String stopSignal) {
        return stopSignal.isEmpty() ? "TERM" : stopSignal.startsWith("SIG") ? stopSignal.substring(3) : stopSignal;
    }

    static String nameKey(String podId, ContainerConfig config) {
        return config.getMetadata().getName() + "_" + podId + "_" + config.getMetadata().getAttempt();
    }

    @Override
    public void close() throws IOException {
        watcher.close();
    }
}
