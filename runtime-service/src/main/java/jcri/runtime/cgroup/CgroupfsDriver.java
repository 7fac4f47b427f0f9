package jcri.runtime.cgroup;

import java.nio.file.Path;
import jcri.api.CriException;

/** Cgroups as plain paths: a pod's parent such as {@code /kubepods/burstable/pod<uid>}, its containers below it by id. */
public record CgroupfsDriver() implements CgroupDriver {
    @Override
    public String name() {
        return "cgroupfs";
    }

    @Override
    public boolean systemd() {
        return false;
    }

    @Override
    public String containerPath(String podParent, String id) {
        var parent = podParent.startsWith("/") ? podParent : "/" + podParent;
        return parent + "/" + id;
    }

    @Override
    public Path podDirectory(String podParent) {
        var path = Path.of("/").resolve(podParent).normalize();
        if (!path.startsWith("/") || podParent.contains("..")) {
            throw CriException.invalid("cgroup parent %s is not a plain path", podParent);
        }
        return Path.of("/").relativize(path);
    }
}
