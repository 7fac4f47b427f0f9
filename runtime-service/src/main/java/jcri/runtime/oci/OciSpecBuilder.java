package jcri.runtime.oci;

import java.io.IOException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import jcri.api.v1.LinuxContainerResources;
import jcri.runtime.cdi.CdiRegistry;
import jcri.runtime.oci.spec.Linux;
import jcri.runtime.oci.spec.Resources;
import jcri.runtime.oci.spec.Spec;

/**
 * Turns a CRI container config, its image config and its pod into an OCI runtime spec ({@code config.json}), section by
 * section: {@link ProcessSection}, root, annotations, {@link MountSection}, {@link NamespaceSection}, cgroup path,
 * {@link DeviceSection}, {@link ResourceSection}, sysctls and {@link SecuritySection}; then the requested CDI devices'
 * edits ({@link CdiSection}).
 */
public final class OciSpecBuilder {
    private static final String OCI_VERSION = "1.0.2";

    private final SecuritySection security;
    private final ProcessSection process;
    private final MountSection mounts;
    private final DeviceSection devices;
    private final ResourceSection resources;
    private final CdiSection cdi;

    /** Without CDI spec directories: a container that requests a CDI device is refused. */
    public OciSpecBuilder(Capabilities capabilities, int ownOomScoreAdj, NodeFacts node) {
        this(capabilities, ownOomScoreAdj, node, new CdiRegistry(List.of()));
    }

    /**
     * {@code capabilities}: jcrid's own; {@code ownOomScoreAdj}: jcrid's, the least a container gets; {@code cdi}: the
     * node's CDI devices.
     */
    public OciSpecBuilder(Capabilities capabilities, int ownOomScoreAdj, NodeFacts node, CdiRegistry cdi) {
        this.security = new SecuritySection(capabilities, node.seccompArchitectures());
        this.process = new ProcessSection(ownOomScoreAdj, node.apparmor());
        this.mounts = new MountSection(node.propagation());
        this.devices = new DeviceSection(node.devices());
        this.resources = new ResourceSection(node.hugetlb(), node.unifiedCgroup());
        this.cdi = new CdiSection(cdi, node.devices());
    }

    public Spec build(SpecInput in) throws IOException {
        var c = in.container();
        var context = c.getLinux().getSecurityContext();
        var caps = security.capabilities(context);
        var process = this.process.of(in, caps);
        var mounts = this.mounts.of(in);
        var namespaces = NamespaceSection.of(in.namespaces());
        var devices = this.devices.of(c, context.getPrivileged());
        var resources = this.resources.of(c.getLinux().getResources(), devices.rules());
        var linux = new Linux(mounts.rootfsPropagation(), namespaces, in.cgroupsPath(), resources, devices.devices(),
                inOrder(in.sandbox().getLinux().getSysctlsMap()), SecuritySection.maskedPaths(context),
                SecuritySection.readonlyPaths(context), security.seccomp(context, caps),
                in.namespaces().user().map(u -> List.of(mapping(u.mappings().uids()))).orElse(null),
                in.namespaces().user().map(u -> List.of(mapping(u.mappings().gids()))).orElse(null));
        return cdi.apply(new Spec(OCI_VERSION, process, new Spec.Root(in.rootfs().toString(), context.getReadonlyRootfs()),
                inOrder(c.getAnnotationsMap()), linux, mounts.mounts(), null), c);
    }

    /** What {@code runc update} reads to apply CRI resources (UpdateContainerResources): no device rules. */
    public Resources resources(LinuxContainerResources r) {
        return resources.of(r, null);
    }

    private static Linux.IdMapping mapping(IdMappings.Range range) {
        return new Linux.IdMapping(range.containerId(), range.hostId(), range.length());
    }

    /** An unmodifiable copy of {@code map} in its order. */
    static Map<String, String> inOrder(Map<String, String> map) {
        return Collections.unmodifiableMap(new LinkedHashMap<>(map));
    }
}
