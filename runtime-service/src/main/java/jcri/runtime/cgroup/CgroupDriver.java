package jcri.runtime.cgroup;

import java.nio.file.Path;
import jcri.api.CriException;

/**
 * How pod and container cgroups are named and placed: {@code cgroupfs} (jcri and runc make the
 * directories) or {@code systemd} (pods are slices, containers scopes that systemd creates). The
 * kubelet's {@code cgroupDriver} must name the same one.
 */
public sealed interface CgroupDriver permits CgroupfsDriver, SystemdDriver {
    /** {@code cgroupfs} or {@code systemd}, as the kubelet and RuntimeConfig name it. */
    String name();

    /** Whether runc and conmon run with {@code --systemd-cgroup}. */
    boolean systemd();

    /** The OCI {@code linux.cgroupsPath} of container {@code id} in the pod cgroup {@code podParent}. */
    String containerPath(String podParent, String id);

    /** The directory of the pod cgroup {@code podParent} below a hierarchy's root; INVALID_ARGUMENT for a malformed name. */
    Path podDirectory(String podParent);

    /** The driver of that name; INVALID_ARGUMENT for any other. */
    static CgroupDriver named(String name) {
        return switch (name) {
            case "cgroupfs" -> new CgroupfsDriver();
            case "systemd" -> new SystemdDriver();
            default -> throw CriException.invalid("unknown cgroup driver '%s' (cgroupfs or systemd)", name);
        };
    }
}
