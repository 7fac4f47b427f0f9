package jcri.runtime.cgroup;

import java.nio.file.Path;
import jcri.api.CriException;

/**
 * Cgroups through systemd: a pod's parent is a slice such as {@code kubepods-burstable-pod1.slice}
 * (nested as {@code kubepods.slice/kubepods-burstable.slice/…}), each container a {@code jcri-<id>.scope} in it.
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
        return podParent + ":jcri:" + id;
    }

    @Override
    public Path podDirectory(String podParent) {
        if (!podParent.endsWith(".slice") || podParent.contains("/")) {
            throw CriException.invalid("cgroup parent %s is not a systemd slice name", podParent);
        }
        var name = podParent.substring(0, podParent.length() - ".slice".length());
        var path = Path.of("");
        var prefix = new StringBuilder();
        for (var part : name.split("-")) {
            if (part.isEmpty()) {
                throw CriException.invalid("cgroup parent %s is not a valid slice name", podParent);
            }
            prefix.append(prefix.isEmpty() ? "" : "-").append(part);
            path = path.resolve(prefix + ".slice");
        }
        return path;
    }
}
