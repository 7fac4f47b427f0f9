package jcri.runtime.oci;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import jcri.api.CriException;
import jcri.api.v1.ContainerConfig;
import jcri.runtime.cdi.CdiRegistry;
import jcri.runtime.cdi.CdiSpec;
import jcri.runtime.cdi.RequestedDevices;
import jcri.runtime.oci.spec.Hooks;
import jcri.runtime.oci.spec.Linux;
import jcri.runtime.oci.spec.Process;
import jcri.runtime.oci.spec.Resources;
import jcri.runtime.oci.spec.Spec;

/**
 * The CDI devices a container requests ({@link RequestedDevices}), resolved by the {@link CdiRegistry} and applied to
 * its finished spec as the CDI library does: env by key, device nodes (replacing one at the same path; type, numbers
 * and mode from the host's node where the spec leaves them out) with a cgroup rule each, mounts (replacing one at the
 * same destination, then all ordered parents first), hooks and additional gids.
 */
final class CdiSection {
    private final CdiRegistry registry;
    private final DeviceNodes nodes;

    CdiSection(CdiRegistry registry, DeviceNodes nodes) {
        this.registry = registry;
        this.nodes = nodes;
    }

    /** {@code spec} with the edits of the devices {@code c} requests; {@code spec} itself when it requests none. */
    Spec apply(Spec spec, ContainerConfig c) throws IOException {
        var requested = RequestedDevices.of(c);
        if (requested.isEmpty()) {
            return spec;
        }
        return edit(spec, registry.resolve(requested), c.getLinux().getSecurityContext().getPrivileged());
    }

    /** {@code spec} with {@code edits} applied in order; a privileged container's rules already allow every device. */
    Spec edit(Spec spec, List<CdiRegistry.Edits> edits, boolean privileged) throws IOException {
        var p = spec.process();
        var l = spec.linux();
        var env = new LinkedHashMap<String, String>();
        p.env().forEach(e -> env.put(key(e), e));
        var devices = new ArrayList<>(l.devices());
        var rules = new ArrayList<>(l.resources().devices());
        var mounts = new ArrayList<>(spec.mounts());
        var hooks = new LinkedHashMap<String, List<Hooks.Hook>>();
        var gids = new LinkedHashSet<Long>(p.user().additionalGids() == null ? List.of() : p.user().additionalGids());
        for (var e : edits) {
            var edit = e.edits();
            edit.env().forEach(v -> env.put(key(v), v));
            for (var n : edit.deviceNodes()) {
                var device = device(n, e.origin(), p.user());
                devices.removeIf(d -> d.path().equals(device.path()));
                devices.add(device);
                var access = n.permissions() == null || n.permissions().isEmpty() ? "rwm" : n.permissions();
                if (!privileged && !access.equals("none") && !device.type().equals("p")) {
                    var type = device.type().equals("b") ? "b" : "c";
                    rules.add(new Resources.DeviceRule(true, type, device.major(), device.minor(), access));
                }
            }
            for (var m : edit.mounts()) {
                mounts.removeIf(old -> old.destination().equals(m.containerPath()));
                mounts.add(new Spec.Mount(m.containerPath(), mountType(m), m.hostPath(), m.options()));
            }
            for (var h : edit.hooks()) {
                hooks.computeIfAbsent(h.hookName(), k -> new ArrayList<>()).add(new Hooks.Hook(h.path(),
                        h.args().isEmpty() ? null : h.args(), h.env().isEmpty() ? null : h.env(), h.timeout()));
            }
            edit.additionalGids().stream().filter(g -> g != 0).forEach(gids::add);
        }
        if (edits.stream().anyMatch(e -> !e.edits().mounts().isEmpty())) {
            mounts.sort(Comparator.comparingInt(m -> depth(m.destination())));
        }
        var user = new Process.User(p.user().uid(), p.user().gid(), gids.isEmpty() ? null : List.copyOf(gids));
        var process = new Process(p.terminal(), user, p.args(), List.copyOf(env.values()), p.cwd(), p.capabilities(),
                p.noNewPrivileges(), p.oomScoreAdj(), p.apparmorProfile());
        var r = l.resources();
        var resources = new Resources(List.copyOf(rules), r.cpu(), r.memory(), r.hugepageLimits(), r.unified());
        var linux = new Linux(l.rootfsPropagation(), l.namespaces(), l.cgroupsPath(), resources, List.copyOf(devices), l.sysctl(),
                l.maskedPaths(), l.readonlyPaths(), l.seccomp(), l.uidMappings(), l.gidMappings());
        return new Spec(spec.ociVersion(), process, spec.root(), spec.annotations(), linux, List.copyOf(mounts),
                hooks(spec.hooks(), hooks));
    }

    /**
     * The node: what the spec gives, the rest from the host's node ({@code hostPath}, else {@code path}), which must
     * exist unless the spec gives both type and numbers; owned by the process's user unless the spec names one.
     */
    private Linux.Device device(CdiSpec.DeviceNode n, String origin, Process.User user) throws IOException {
        var hostPath = n.hostPath() == null || n.hostPath().isEmpty() ? n.path() : n.hostPath();
        var type = n.type() == null || n.type().isEmpty() ? null : n.type();
        boolean complete = type != null && (type.equals("p") || n.major() != null && n.major() != 0);
        var host = nodes.stat(Path.of(hostPath));
        if (host.isEmpty() && !complete) {
            throw CriException.invalid("CDI device %s: device node %s does not exist on the node or is no device node", origin, hostPath);
        }
        Integer mode = n.fileMode() != null ? n.fileMode() : host.map(DeviceNodes.Node::fileMode).orElse(null);
        long uid = n.uid() != null ? n.uid() : user.uid();
        long gid = n.gid() != null ? n.gid() : user.gid();
        if (complete) {
            return new Linux.Device(n.path(), type, n.major() == null ? 0 : n.major(), n.minor() == null ? 0 : n.minor(), mode, uid, gid);
        }
        var found = host.get();
        if (type != null && !type.equals(found.type())) {
            throw CriException.invalid("CDI device %s: device node %s is of type %s on the node, not %s", origin, hostPath,
                    found.type(), type);
        }
        boolean numbered = n.major() != null && n.major() != 0;
        return new Linux.Device(n.path(), found.type(), numbered ? n.major() : found.major(),
                numbered ? (n.minor() == null ? 0 : n.minor()) : found.minor(), mode, uid, gid);
    }

    /** The mount's type, {@code bind} when it names none but binds. */
    private static String mountType(CdiSpec.Mount m) {
        if (m.type() != null && !m.type().isEmpty()) {
            return m.type();
        }
        return m.options().contains("bind") || m.options().contains("rbind") ? "bind" : null;
    }

    private static Hooks hooks(Hooks current, Map<String, List<Hooks.Hook>> added) {
        if (added.isEmpty()) {
            return current;
        }
        var c = current != null ? current : new Hooks(null, null, null, null, null, null);
        return new Hooks(join(c.prestart(), added.get("prestart")), join(c.createRuntime(), added.get("createRuntime")),
                join(c.createContainer(), added.get("createContainer")), join(c.startContainer(), added.get("startContainer")),
                join(c.poststart(), added.get("poststart")), join(c.poststop(), added.get("poststop")));
    }

    private static List<Hooks.Hook> join(List<Hooks.Hook> a, List<Hooks.Hook> b) {
        if (b == null) {
            return a;
        }
        var all = new ArrayList<Hooks.Hook>(a == null ? List.of() : a);
        all.addAll(b);
        return List.copyOf(all);
    }

    private static String key(String env) {
        int eq = env.indexOf('=');
        return eq < 0 ? env : env.substring(0, eq);
    }

    /** Path components of a mount destination: {@code /a/b} is 2. */
    private static int depth(String destination) {
        return (int) Path.of(destination).normalize().toString().chars().filter(ch -> ch == '/').count();
    }
}
