package jcri.runtime.cgroup;

import java.nio.file.Path;
import jcri.api.CriException;

/**
 * Cgroups through systemd: a pod's parent is a slice such as {@code kubepods-burstable-pod1.slice}
 * (nested as {@code kubepods.slice/kubepods-burstable.slice/…}), each container a {@code jcri-<id>.scope} in it.
 * The parent may also be given as that nesting, {@code /kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod1.slice},
 * which is how the kubelet's systemd cgroup manager names it.
 */
public record SystemdDriver() implements CgroupDriver {
    @Override
    public String name() {
        return "systemd";
    }

    @Override
    public boolean systemd() {
        return true;
    }

    @Override
    public String containerPath(String podParent, String id) {
        return slice(podParent) + ":jcri:" + id;
    }

    @Override
    public Path podDirectory(String podParent) {
        return nesting(slice(podParent));
    }

    /** The slice's name: {@code podParent} itself, or the last part of its nesting; INVALID_ARGUMENT for any other path. */
    private static String slice(String podParent) {
        if (!podParent.contains("/")) {
            return podParent;
        }
        var slice = podParent.substring(podParent.lastIndexOf('/') + 1);
        if (!podParent.equals("/" + nesting(slice))) {
            throw CriException.invalid("cgroup parent %s is neither a systemd slice name nor its nesting (/%s)", podParent, nesting(slice));
        }
        return slice;
    }

    /** The path of the slices {@code slice} is nested in, itself last. */
    private static Path nesting(String slice) {
        if (!slice.endsWith(".slice")) {
            throw CriException.invalid("cgroup parent %s is not a systemd slice name", slice);
        }
        var name = slice.substring(0, slice.length() - ".slice".length());
        var path = Path.of("");
        var prefix = new StringBuilder();
        for (var part : name.split("-")) {
            if (part.isEmpty()) {
                throw CriException.invalid("cgroup parent %s is not a valid slice name", slice);
            }
            prefix.append(prefix.isEmpty() ? "" : "-").append(part);
            path = path.resolve(prefix + ".slice");
        }
        return path;
    }
}
