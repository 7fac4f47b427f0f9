package jcri.runtime.oci;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;
import jcri.runtime.cgroup.HugetlbController;
import jcri.snapshot.MountTable;

/**
 * What a container's OCI spec takes from the node rather than from the CRI request.
 *
 * @param apparmor whether the kernel has AppArmor (else no profile is named)
 * @param hugetlb the hugetlb cgroup controller, which drops hugepage limits where it is absent
 * @param unifiedCgroup whether /sys/fs/cgroup is the cgroup v2 unified hierarchy (unified resources need it)
 * @param seccompArchitectures the architectures of the {@code RuntimeDefault} seccomp profile
 * @param devices the node's device files
 * @param propagation the propagation ({@code shared}, {@code slave}, {@code private}) of the mount holding a path
 */
public record NodeFacts(boolean apparmor, HugetlbController hugetlb, boolean unifiedCgroup, List<String> seccompArchitectures,
                        DeviceNodes devices, Function<Path, String> propagation) {
    public NodeFacts {
        seccompArchitectures = List.copyOf(seccompArchitectures);
    }

    /** This node's facts. */
    public static NodeFacts ofThisNode() {
        return new NodeFacts(Files.exists(Path.of("/sys/kernel/security/apparmor")), HugetlbController.ofThisHost(),
                Files.exists(Path.of("/sys/fs/cgroup/cgroup.controllers")),
                RuntimeDefaultSeccomp.architectures(System.getProperty("os.arch")), DeviceNodes.ofThisNode(), MountTable::propagation);
    }
}
