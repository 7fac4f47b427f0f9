package jcri.runtime.sandbox;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;
import java.util.regex.Pattern;
import jcri.api.CriException;
import jcri.api.v1.LinuxContainerResources;
import jcri.api.v1.NamespaceMode;
import jcri.api.v1.PodSandboxConfig;
import jcri.runtime.Filters;
import jcri.runtime.Times;
import jcri.runtime.cgroup.PodCgroup;
import jcri.runtime.network.Cni;
import jcri.runtime.oci.NamespaceRef;
import jcri.runtime.oci.PodNamespaces;
import jcri.runtime.oci.PodUserNamespace;
import jcri.steps.Steps;
import jcri.steps.Undo;
import jcri.store.JsonStore;
import jcri.store.Trees;

/**
 * Pod sandboxes without a pause container: pinned namespaces, CNI, the pod's shared files and,
 * when asked, a PID-namespace holder. Knows nothing of gRPC; containers are handled by the caller.
 */
public final class SandboxManager implements PodLookup {
    private static final Path PROC_SYS = Path.of("/proc/sys");
    private static final Logger LOG = Logger.getLogger(SandboxManager.class.getName());
    /** What sethostname(2) takes (at most 64 bytes) and a resolver can look up: RFC 1123 characters, plus underscore. */
    private static final Pattern HOSTNAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    /**
     * Where pods live and how they are made; {@code usernsHandlers}: the handlers that can run pods in user namespaces
     * of their own on this node.
     */
    public record Settings(Path stateDir, Set<String> handlers, String defaultHandler, String defaultCgroupParent,
                           Set<String> usernsHandlers) {
    }

    private final Settings settings;
    private final JsonStore<SandboxRecord> store;
    private final NamespacePinner pinner;
    private final PodFilesWriter files;
    private final Cni cni;
    private final PidNamespaceHolder pidHolder;
    private final Steps steps;
    private final PodCgroup cgroup;
    private final Map<String, SandboxRecord> pods = new ConcurrentHashMap<>();
    private final Map<String, String> names = new ConcurrentHashMap<>();

    public SandboxManager(Settings settings, JsonStore<SandboxRecord> store, NamespacePinner pinner, PodFilesWriter files,
                          Cni cni, PidNamespaceHolder pidHolder, PodCgroup cgroup, Steps steps) {
        this.settings = settings;
        this.store = store;
        this.pinner = pinner;
        this.files = files;
        this.cni = cni;
        this.pidHolder = pidHolder;
        this.steps = steps;
        this.cgroup = cgroup;
    }

    /**
     * Start-up recovery, run once before jcrid serves: loads the pod records and releases what a crash
     * left half-made without one.
     */
    public void recover() throws IOException {
        for (var record : store.all()) {
            pods.put(record.id(), record);
            names.put(nameKey(record.parsedConfig()), record.id());
        }
        sweepUnfinished();
    }

    /**
     * Releases what a crash in the middle of {@link #run} left: a pod directory (pinned namespaces,
     * shared files, PID-namespace holder) and a CNI attachment with no pod record.
     */
    private void sweepUnfinished() throws IOException {
        var podsDir = settings.stateDir().resolve("pods");
        var leftovers = new TreeSet<>(cni.attachedPods());
        if (Files.isDirectory(podsDir)) {
            try (var dirs = Files.list(podsDir)) {
                dirs.map(d -> d.getFileName().toString()).filter(Ids::valid).forEach(leftovers::add);
            }
        }
        leftovers.removeAll(pods.keySet());
        for (var id : leftovers) {
            LOG.warning("releasing pod " + id + ", left half-made by a crash");
            var undo = new ArrayList<Steps.Action>(List.of(() -> cni.delete(id), () -> PidNamespaceHolder.stop(podDir(id))));
            undo.addAll(releaseFiles(podDir(id)));
            try {
                Undo.all(undo);
            } catch (IOException e) {
                LOG.warning("cannot release all the remains of pod " + id + ": " + e);
            }
            if (Thread.currentThread().isInterrupted()) {
                throw new IOException("interrupted while releasing pod " + id);
            }
        }
    }

    /** Creates a ready pod and returns its id; on failure nothing of it is left. */
    public String run(PodSandboxConfig config, String requestedHandler) throws IOException, InterruptedException {
        var meta = config.getMetadata();
        if (meta.getName().isEmpty() || meta.getNamespace().isEmpty() || meta.getUid().isEmpty()) {
            throw CriException.invalid("pod metadata needs name, namespace and uid (got name '%s', namespace '%s', uid '%s')",
                    meta.getName(), meta.getNamespace(), meta.getUid());
        }
        if ((meta.getName() + meta.getNamespace() + meta.getUid()).chars().anyMatch(Character::isISOControl)) {
            throw CriException.invalid("pod metadata name, namespace and uid may hold no control character (they reach CNI "
                    + "plugins as arguments)");
        }
        MetadataBounds.check("pod labels", config.getLabelsMap());
        MetadataBounds.check("pod annotations", config.getAnnotationsMap());
        var handler = requestedHandler.isEmpty() ? settings.defaultHandler() : requestedHandler;
        if (!settings.handlers().contains(handler)) {
            throw CriException.invalid("unknown runtime handler '%s' (configured: %s)", handler, settings.handlers());
        }
        var options = config.getLinux().getSecurityContext().getNamespaceOptions();
        var userns = UserNamespaceOptions.of(options);
        if (userns.isPresent() && !settings.usernsHandlers().contains(handler)) {
            throw CriException.invalid("runtime handler '%s' cannot run pods in user namespaces of their own on this node "
                    + "(it needs ID-mapped mounts on jcri's state directory)", handler);
        }
        boolean ownNetwork = options.getNetwork() != NamespaceMode.NODE;
        boolean ownIpc = options.getIpc() != NamespaceMode.NODE;
        Sysctls.validate(config.getLinux().getSysctlsMap(), ownNetwork, ownIpc, PROC_SYS);
        PortMappings.validate(config.getPortMappingsList());
        // A pod that names no hostname gets the node's, in its own network as on the node's, as in
        // containerd and CRI-O (pod names are often longer than a hostname may be).
        var hostname = !config.getHostname().isEmpty() ? config.getHostname()
                : Files.readString(Path.of("/proc/sys/kernel/hostname")).strip();
        if (ownNetwork && !HOSTNAME.matcher(hostname).matches()) { // set in the pod's own UTS namespace; else only written to a file
            throw CriException.invalid("hostname '%s' is not a valid host name (1 to 64 letters, digits, '.', '-' or '_', "
                    + "starting with a letter or digit)", hostname);
        }
        var id = Ids.newId();
        var name = nameKey(config);
        var holder = names.putIfAbsent(name, id);
        if (holder != null) {
            throw CriException.alreadyExists("pod name %s is reserved by pod %s", name, holder);
        }
        var dir = podDir(id);
        long pidHolderPid = 0;
        boolean attached = false;
        try {
            steps.run("netns_pin", () -> pinner.pin(new NamespacePinner.Request(dir.resolve("ns"), ownNetwork, ownIpc, ownNetwork, hostname,
                    userns)));
            var podFiles = files.write(dir, hostname, config.getDnsConfig(), "", ownIpc);
            if (options.getPid() == NamespaceMode.POD) {
                pidHolderPid = pidHolder.start(dir, userns.map(m -> userNamespaceFile(dir)));
            }
            var ips = List.<String>of();
            if (ownNetwork) {
                attached = true;
                var result = steps.time("cni_add", () -> cni.add(id, dir.resolve("ns/net"),
                        new Cni.PodArgs(meta.getName(), meta.getNamespace(), meta.getUid()),
                        PortMappings.published(config.getPortMappingsList())));
                ips = result.ips();
                files.updateHosts(podFiles, hostname, result.primaryIp());
            }
            var record = new SandboxRecord(id, config.toByteArray(), true, Times.now(), handler, ips,
                    ownNetwork ? dir.resolve("ns/net").toString() : "",
                    ownIpc ? dir.resolve("ns/ipc").toString() : "",
                    ownNetwork ? dir.resolve("ns/uts").toString() : "",
                    cgroupParent(config), pidHolderPid);
            store.put(id, record);
            pods.put(id, record);
            return id;
        } catch (IOException | InterruptedException | RuntimeException e) {
            var undo = new ArrayList<Steps.Action>();
            if (attached) {
                undo.add(() -> cni.delete(id));
            }
            undo.add(() -> PidNamespaceHolder.stop(dir));
            undo.addAll(releaseFiles(dir));
            Undo.after(e, undo);
            names.remove(name, id);
            throw e;
        }
    }

    /** Marks the pod not ready and detaches its network; idempotent, unknown ids are fine. */
    public void stop(String id) throws IOException, InterruptedException {
        var record = pods.get(id);
        if (record == null) {
            return;
        }
        PidNamespaceHolder.stop(podDir(id));
        steps.run("cni_del", () -> cni.delete(id));
        if (record.ready()) {
            var stopped = record.stopped();
            store.put(id, stopped);
            pods.put(id, stopped);
        }
    }

    /** Removes a (stopped or not) pod: network, namespaces, /dev/shm, files and record. Idempotent. */
    public void remove(String id) throws IOException, InterruptedException {
        var record = pods.get(id);
        if (record == null) {
            return;
        }
        stop(id);
        Undo.all(releaseFiles(podDir(id)));
        store.delete(id);
        pods.remove(id);
        names.remove(nameKey(record.parsedConfig()), id);
    }

    /** What releases a pod directory: its shared files, its pinned namespaces, the directory. */
    private List<Steps.Action> releaseFiles(Path dir) {
        return List.of(() -> files.release(dir), () -> pinner.release(dir.resolve("ns")), () -> Trees.delete(dir));
    }

    /**
     * Applies pod-level limits (the containers' sum plus the pod overhead) to the pod's own cgroup;
     * FAILED_PRECONDITION for a pod that has none (no {@code cgroup_parent} in its config).
     */
    public void updateResources(String idOrPrefix, LinuxContainerResources overhead, LinuxContainerResources resources)
            throws IOException {
        var record = get(idOrPrefix);
        if (record.parsedConfig().getLinux().getCgroupParent().isEmpty()) {
            throw CriException.failedPrecondition("pod sandbox %s has no cgroup of its own (no cgroup_parent); its containers "
                    + "share %s, which pod limits must not change", record.id(), record.cgroupParent());
        }
        cgroup.apply(record.cgroupParent(), sum(overhead, resources));
    }

    /** The pod's resources plus its overhead; 0 leaves a value unchanged, a negative limit means none. */
    static LinuxContainerResources sum(LinuxContainerResources overhead, LinuxContainerResources pod) {
        return LinuxContainerResources.newBuilder()
                .setCpuShares(pod.getCpuShares() > 0 ? plus(pod.getCpuShares(), overhead.getCpuShares()) : 0)
                .setCpuPeriod(pod.getCpuPeriod() > 0 ? pod.getCpuPeriod() : overhead.getCpuPeriod())
                .setCpuQuota(limit(pod.getCpuQuota(), overhead.getCpuQuota()))
                .setMemoryLimitInBytes(limit(pod.getMemoryLimitInBytes(), overhead.getMemoryLimitInBytes()))
                .build();
    }

    private static long limit(long pod, long overhead) {
        return pod <= 0 ? pod : plus(pod, overhead);
    }

    /** {@code value} plus a positive {@code extra}, at most Long.MAX_VALUE (the kernel caps what is too large). */
    private static long plus(long value, long extra) {
        return extra <= 0 ? value : value > Long.MAX_VALUE - extra ? Long.MAX_VALUE : value + extra;
    }

    /** Resolves a full id or an unambiguous prefix; NOT_FOUND otherwise. */
    public SandboxRecord get(String idOrPrefix) {
        return lookup(idOrPrefix).orElseThrow(() -> CriException.notFound("pod sandbox %s not found", idOrPrefix));
    }

    public Optional<SandboxRecord> lookup(String idOrPrefix) {
        return Filters.byIdOrPrefix(pods, idOrPrefix);
    }

    public List<SandboxRecord> list() {
        return List.copyOf(pods.values());
    }

    @Override
    public Optional<PodRuntime> find(String podId) {
        return Optional.ofNullable(pods.get(podId)).map(this::runtime);
    }

    private PodRuntime runtime(SandboxRecord r) {
        var config = r.parsedConfig();
        var pid = r.pidHolder() > 0 ? new NamespaceRef.Join(PidNamespaceHolder.namespace(r.pidHolder()))
                : config.getLinux().getSecurityContext().getNamespaceOptions().getPid() == NamespaceMode.NODE
                ? new NamespaceRef.Host() : new NamespaceRef.Fresh();
        var user = UserNamespaceOptions.of(config.getLinux().getSecurityContext().getNamespaceOptions())
                .map(mappings -> new PodUserNamespace(userNamespaceFile(podDir(r.id())), mappings));
        var namespaces = new PodNamespaces(join(r.netns()), join(r.ipcns()), join(r.utsns()), pid, user);
        // a pod whose PID-namespace holder is gone (its pid maybe another process's by now) takes no containers
        boolean ready = r.ready() && (r.pidHolder() == 0 || PidNamespaceHolder.running(podDir(r.id())));
        return new PodRuntime(r.id(), config, namespaces, files.existing(podDir(r.id()), !r.ipcns().isEmpty()),
                r.cgroupParent(), r.handler(), ready);
    }

    private static NamespaceRef join(String pinned) {
        return pinned.isEmpty() ? new NamespaceRef.Host() : new NamespaceRef.Join(Path.of(pinned));
    }

    private static Path userNamespaceFile(Path podDir) {
        return podDir.resolve("ns/user");
    }

    private String cgroupParent(PodSandboxConfig config) {
        var parent = config.getLinux().getCgroupParent();
        return parent.isEmpty() ? settings.defaultCgroupParent() : parent;
    }

    private Path podDir(String id) {
        return settings.stateDir().resolve("pods").resolve(id);
    }

    static String nameKey(PodSandboxConfig config) {
        var m = config.getMetadata();
        return m.getName() + "_" + m.getNamespace() + "_" + m.getUid() + "_" + m.getAttempt();
    }

}
