package jcri.runtime.oci;

import jcri.runtime.cgroup.HugetlbController;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import jcri.api.CriException;
import jcri.api.v1.ContainerConfig;
import jcri.api.v1.LinuxContainerResources;
import jcri.api.v1.Mount;
import jcri.api.v1.MountPropagation;

/**
 * Turns a CRI container config, its image config and its pod into an OCI runtime spec
 * ({@code config.json}): process (args, env, cwd, user, capabilities, no_new_privs, oom score),
 * root, mounts, namespaces, cgroup path and resources, devices, masked and read-only paths,
 * sysctls and seccomp.
 */
public final class OciSpecBuilder {
    private static final ObjectMapper JSON = new ObjectMapper();
    static final List<String> MASKED = List.of("/proc/acpi", "/proc/asound", "/proc/kcore", "/proc/keys", "/proc/latency_stats",
            "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug", "/proc/scsi", "/sys/firmware",
            "/sys/devices/virtual/powercap");
    static final List<String> READONLY = List.of("/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger");
    private static final String PATH = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    private final Capabilities capabilities;
    private final int ownOomScoreAdj;
    private final NodeFacts node;

    public OciSpecBuilder(Capabilities capabilities, int ownOomScoreAdj, NodeFacts node) {
        this.capabilities = capabilities;
        this.ownOomScoreAdj = ownOomScoreAdj;
        this.node = node;
    }

    public ObjectNode build(SpecInput in) throws IOException {
        var c = in.container();
        var security = c.getLinux().getSecurityContext();
        boolean privileged = security.getPrivileged();
        var spec = JSON.createObjectNode();
        spec.put("ociVersion", "1.0.2");
        var caps = privileged ? capabilities.bounding()
                : capabilities.effective(security.getCapabilities().getAddCapabilitiesList(),
                security.getCapabilities().getDropCapabilitiesList());
        process(spec.putObject("process"), in, caps);
        spec.putObject("root").put("path", in.rootfs().toString()).put("readonly", security.getReadonlyRootfs());
        var annotations = spec.putObject("annotations");
        c.getAnnotationsMap().forEach(annotations::put);
        var linux = spec.putObject("linux");
        mounts(spec.putArray("mounts"), linux, in, privileged);
        namespaces(linux.putArray("namespaces"), in.namespaces());
        linux.put("cgroupsPath", in.cgroupsPath());
        var resources = linux.putObject("resources");
        devices(linux, resources, c, privileged);
        applyResources(resources, c.getLinux().getResources());
        var sysctl = linux.putObject("sysctl");
        in.sandbox().getLinux().getSysctlsMap().forEach(sysctl::put);
        if (!privileged) {
            strings(linux.putArray("maskedPaths"), security.getMaskedPathsCount() > 0 ? security.getMaskedPathsList() : MASKED);
            strings(linux.putArray("readonlyPaths"), security.getReadonlyPathsCount() > 0 ? security.getReadonlyPathsList() : READONLY);
            var seccomp = SeccompProfiles.forContext(security, caps, node.seccompArchitectures());
            if (seccomp != null) {
                linux.set("seccomp", seccomp);
            }
        }
        return spec;
    }

    private void process(ObjectNode process, SpecInput in, List<String> caps) {
        var c = in.container();
        var security = c.getLinux().getSecurityContext();
        process.put("terminal", c.getTty());
        var ids = user(in);
        var user = process.putObject("user").put("uid", ids.uid()).put("gid", ids.gid());
        var groups = new java.util.LinkedHashSet<>(ids.additionalGids());
        groups.addAll(security.getSupplementalGroupsList());
        if (!groups.isEmpty()) {
            var gids = user.putArray("additionalGids");
            groups.forEach(gids::add);
        }
        strings(process.putArray("args"), args(c, in.image().entrypoint(), in.image().cmd()));
        var env = new LinkedHashMap<String, String>();
        for (var e : List.of(PATH, "HOSTNAME=" + hostname(in))) {
            env.put(e.substring(0, e.indexOf('=')), e);
        }
        for (var e : in.image().env()) {
            int eq = e.indexOf('=');
            env.put(eq < 0 ? e : e.substring(0, eq), e);
        }
        for (var kv : c.getEnvsList()) {
            env.put(kv.getKey(), kv.getKey() + "=" + kv.getValue());
        }
        strings(process.putArray("env"), List.copyOf(env.values()));
        var cwd = !c.getWorkingDir().isEmpty() ? c.getWorkingDir() : !in.image().workingDir().isEmpty() ? in.image().workingDir() : "/";
        process.put("cwd", cwd);
        var capsNode = process.putObject("capabilities");
        for (var set : List.of("bounding", "effective", "permitted")) {
            strings(capsNode.putArray(set), caps);
        }
        if (ids.uid() == 0) {
            strings(capsNode.putArray("inheritable"), List.of());
        }
        process.put("noNewPrivileges", security.getNoNewPrivs());
        long oom = c.getLinux().getResources().getOomScoreAdj();
        process.put("oomScoreAdj", Math.max(oom, ownOomScoreAdj));
        if (security.hasApparmor() && !security.getApparmor().getLocalhostRef().isEmpty() && node.apparmor()) {
            process.put("apparmorProfile", security.getApparmor().getLocalhostRef().replaceFirst("^localhost/", ""));
        }
    }

    private UserResolver.Ids user(SpecInput in) {
        var security = in.container().getLinux().getSecurityContext();
        var resolver = new UserResolver(in.rootfs());
        var group = security.hasRunAsGroup() ? String.valueOf(security.getRunAsGroup().getValue()) : "";
        if (security.hasRunAsUser()) {
            return resolver.resolve(String.valueOf(security.getRunAsUser().getValue()), group);
        }
        if (!security.getRunAsUsername().isEmpty()) {
            return resolver.resolve(security.getRunAsUsername(), group);
        }
        if (!group.isEmpty()) {
            // as containerd and CRI-O: a group alone is refused (the kubelet always names the user, from
            // the pod or the image, when it sends a group)
            throw CriException.invalid("run_as_group %s is set without run_as_user or run_as_username", group);
        }
        return resolver.resolveImageUser(in.image().user());
    }

    /** Kubernetes' rule: command replaces the entrypoint (and drops the image's cmd); args replace cmd. */
    static List<String> args(ContainerConfig c, List<String> entrypoint, List<String> cmd) {
        var out = new ArrayList<String>();
        if (c.getCommandCount() > 0) {
            out.addAll(c.getCommandList());
            out.addAll(c.getArgsList());
        } else {
            out.addAll(entrypoint);
            out.addAll(c.getArgsCount() > 0 ? c.getArgsList() : cmd);
        }
        if (out.isEmpty()) {
            throw CriException.invalid("container %s has no command: neither the config nor the image gives one",
                    c.getMetadata().getName());
        }
        return out;
    }

    private static String hostname(SpecInput in) {
        try {
            return in.files().hostname() != null && Files.exists(in.files().hostname())
                    ? Files.readString(in.files().hostname()).strip() : "";
        } catch (IOException e) {
            return "";
        }
    }

    private void mounts(ArrayNode mounts, ObjectNode linux, SpecInput in, boolean privileged) throws IOException {
        var c = in.container();
        var targets = new java.util.HashSet<String>();
        c.getMountsList().forEach(m -> targets.add(m.getContainerPath()));
        mount(mounts, "/proc", "proc", "proc", List.of("nosuid", "noexec", "nodev"));
        mount(mounts, "/dev", "tmpfs", "tmpfs", List.of("nosuid", "strictatime", "mode=755", "size=65536k"));
        mount(mounts, "/dev/pts", "devpts", "devpts", List.of("nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5"));
        mount(mounts, "/dev/mqueue", "mqueue", "mqueue", List.of("nosuid", "noexec", "nodev"));
        mount(mounts, "/sys", "sysfs", "sysfs", privileged ? List.of("nosuid", "noexec", "nodev", "rw") : List.of("nosuid", "noexec", "nodev", "ro"));
        mount(mounts, "/sys/fs/cgroup", "cgroup", "cgroup", List.of("nosuid", "noexec", "nodev", "relatime", privileged ? "rw" : "ro"));
        var files = in.files();
        var shm = files.shm() != null ? files.shm() : Path.of("/dev/shm");
        if (!targets.contains("/dev/shm")) {
            mount(mounts, "/dev/shm", "bind", shm.toString(), List.of("rbind", "nosuid", "nodev", "noexec"));
        }
        for (var file : List.of(new String[] {"/etc/hosts", String.valueOf(files.hosts())},
                new String[] {"/etc/resolv.conf", String.valueOf(files.resolvConf())},
                new String[] {"/etc/hostname", String.valueOf(files.hostname())})) {
            if (!targets.contains(file[0]) && !file[1].equals("null")) {
                mount(mounts, file[0], "bind", file[1], List.of("rbind", "rprivate", c.getLinux().getSecurityContext().getReadonlyRootfs() ? "ro" : "rw"));
            }
        }
        String rootPropagation = null;
        for (Mount m : c.getMountsList()) {
            if (m.getContainerPath().isEmpty() || m.getHostPath().isEmpty()) {
                throw CriException.invalid("a mount of container %s lacks its container or host path", c.getMetadata().getName());
            }
            var host = Path.of(m.getHostPath());
            if (!Files.exists(host, LinkOption.NOFOLLOW_LINKS)) {
                Files.createDirectories(host);
            }
            var source = host.toRealPath();
            var propagation = switch (m.getPropagation()) {
                case PROPAGATION_HOST_TO_CONTAINER -> "rslave";
                case PROPAGATION_BIDIRECTIONAL -> "rshared";
                default -> "rprivate";
            };
            requirePropagation(m, source);
            if (m.getPropagation() == MountPropagation.PROPAGATION_BIDIRECTIONAL) {
                rootPropagation = "rshared";
            } else if (m.getPropagation() == MountPropagation.PROPAGATION_HOST_TO_CONTAINER && rootPropagation == null) {
                rootPropagation = "rslave";
            }
            var options = new ArrayList<>(List.of("rbind", propagation, m.getReadonly() ? "ro" : "rw"));
            mount(mounts, m.getContainerPath(), "bind", source.toString(), options);
        }
        if (rootPropagation != null) {
            linux.put("rootfsPropagation", rootPropagation);
        }
    }

    /** rslave needs a shared or slave host mount, rshared a shared one; otherwise nothing would propagate. */
    private void requirePropagation(Mount m, Path source) {
        if (m.getPropagation() == MountPropagation.PROPAGATION_PRIVATE || m.getPropagation() == MountPropagation.UNRECOGNIZED) {
            return;
        }
        var kind = node.propagation().apply(source);
        boolean ok = m.getPropagation() == MountPropagation.PROPAGATION_BIDIRECTIONAL ? kind.equals("shared") : !kind.equals("private");
        if (!ok) {
            throw CriException.failedPrecondition("mount %s asks for %s propagation, but %s is on a %s mount (make it shared: mount --make-rshared)",
                    m.getContainerPath(), m.getPropagation(), source, kind);
        }
    }

    private static void mount(ArrayNode mounts, String destination, String type, String source, List<String> options) {
        var m = mounts.addObject().put("destination", destination).put("type", type).put("source", source);
        strings(m.putArray("options"), options);
    }

    private static void namespaces(ArrayNode out, PodNamespaces ns) {
        namespace(out, "network", ns.network());
        namespace(out, "ipc", ns.ipc());
        namespace(out, "uts", ns.uts());
        namespace(out, "pid", ns.pid());
        out.addObject().put("type", "mount");
    }

    private static void namespace(ArrayNode out, String type, NamespaceRef ref) {
        switch (ref) {
            case NamespaceRef.Host h -> { }
            case NamespaceRef.Fresh f -> out.addObject().put("type", type);
            case NamespaceRef.Join j -> out.addObject().put("type", type).put("path", j.path().toString());
        }
    }

    private void devices(ObjectNode linux, ObjectNode resources, ContainerConfig c, boolean privileged) throws IOException {
        var rules = resources.putArray("devices");
        if (privileged) {
            rules.addObject().put("allow", true).put("access", "rwm");
        } else {
            rules.addObject().put("allow", false).put("access", "rwm");
        }
        var devices = linux.putArray("devices");
        var requested = new ArrayList<DeviceRequest>();
        for (var d : c.getDevicesList()) {
            requested.add(new DeviceRequest(d.getHostPath(), d.getContainerPath().isEmpty() ? d.getHostPath() : d.getContainerPath(),
                    d.getPermissions().isEmpty() ? "rwm" : d.getPermissions()));
        }
        if (privileged) {
            for (var host : node.devices().forPrivileged()) {
                requested.add(new DeviceRequest(host.toString(), host.toString(), "rwm"));
            }
        }
        var seen = new java.util.HashSet<String>();
        for (var d : requested) {
            var found = node.devices().stat(Path.of(d.host()))
                    .orElseThrow(() -> CriException.invalid("device %s does not exist on the node", d.host()));
            if (!seen.add(d.container())) {
                continue;
            }
            devices.addObject().put("path", d.container()).put("type", found.type()).put("major", found.major()).put("minor", found.minor())
                    .put("fileMode", found.fileMode()).put("uid", 0).put("gid", 0);
            if (!privileged) {
                rules.addObject().put("allow", true).put("type", found.type()).put("major", found.major()).put("minor", found.minor())
                        .put("access", d.access());
            }
        }
    }

    /** A device the container gets: node path, path inside, cgroup access ("rwm"). */
    private record DeviceRequest(String host, String container, String access) {
    }

    /** Writes CRI resources into an OCI {@code linux.resources} node (also used by UpdateContainerResources). */
    public void applyResources(ObjectNode resources, LinuxContainerResources r) {
        ResourceChecks.check(r, node.unifiedCgroup());
        var cpu = resources.putObject("cpu");
        if (r.getCpuShares() > 0) {
            cpu.put("shares", r.getCpuShares());
        }
        if (r.getCpuQuota() != 0) {
            cpu.put("quota", r.getCpuQuota());
        }
        if (r.getCpuPeriod() > 0) {
            cpu.put("period", r.getCpuPeriod());
        }
        if (!r.getCpusetCpus().isEmpty()) {
            cpu.put("cpus", r.getCpusetCpus());
        }
        if (!r.getCpusetMems().isEmpty()) {
            cpu.put("mems", r.getCpusetMems());
        }
        var memory = resources.putObject("memory");
        if (r.getMemoryLimitInBytes() > 0) {
            memory.put("limit", r.getMemoryLimitInBytes());
            if (r.getMemorySwapLimitInBytes() > 0) {
                memory.put("swap", r.getMemorySwapLimitInBytes());
            }
        }
        var hugepages = HugetlbController.tolerated(r.getHugepageLimitsList(), node.hugetlb());
        if (!hugepages.isEmpty()) {
            var pages = resources.putArray("hugepageLimits");
            hugepages.forEach(h -> pages.addObject().put("pageSize", h.getPageSize()).put("limit", h.getLimit()));
        }
        if (r.getUnifiedCount() > 0) {
            var unified = resources.putObject("unified");
            r.getUnifiedMap().forEach(unified::put);
        }
    }

    private static void strings(ArrayNode array, List<String> values) {
        values.forEach(array::add);
    }
}
