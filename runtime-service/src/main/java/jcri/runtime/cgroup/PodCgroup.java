package jcri.runtime.cgroup;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Map;
import jcri.api.CriException;
import jcri.api.v1.LinuxContainerResources;

/**
 * Pod-level limits written into a pod's cgroup (its {@code cgroup_parent}): CPU weight, CPU quota
 * and memory limit. On cgroup v1 (also the v1 controllers of a hybrid host) into the {@code cpu}
 * and {@code memory} hierarchies ({@code cpu.shares}, {@code cpu.cfs_period_us},
 * {@code cpu.cfs_quota_us}, {@code memory.limit_in_bytes}); on the v2 unified hierarchy into
 * {@code cpu.weight}, {@code cpu.max} and {@code memory.max}, shares mapped to a weight as the
 * kernel's 2..262144 → 1..10000 range. With the systemd driver, a slice name such as
 * {@code kubepods-burstable-pod1.slice} is expanded to its nested path.
 */
public final class PodCgroup {
    private static final long DEFAULT_PERIOD = 100_000;
    private final Path root;
    private final CgroupDriver driver;

    /** {@code root}: where cgroup hierarchies are mounted. */
    public PodCgroup(Path root, CgroupDriver driver) {
        this.root = root;
        this.driver = driver;
    }

    /** Writes the limits of {@code r} into the cgroup {@code parent}; FAILED_PRECONDITION if the cgroup does not exist. */
    public void apply(String parent, LinuxContainerResources r) throws IOException {
        var relative = driver.podDirectory(parent);
        var writes = new LinkedHashMap<Path, String>();
        if (Files.exists(root.resolve("cgroup.controllers"))) {
            v2(root.resolve(relative), r, writes);
        } else if (Files.isDirectory(root.resolve("memory")) || Files.isDirectory(root.resolve("cpu"))) {
            v1(relative, r, writes);
        } else {
            throw CriException.failedPrecondition("no cgroup hierarchy under %s", root);
        }
        for (var dir : writes.keySet().stream().map(Path::getParent).distinct().toList()) {
            if (!Files.isDirectory(dir)) {
                throw CriException.failedPrecondition("pod cgroup %s does not exist (%s)", parent, dir);
            }
        }
        var failed = new ArrayList<String>();
        for (Map.Entry<Path, String> write : writes.entrySet()) {
            try {
                Files.writeString(write.getKey(), write.getValue());
            } catch (IOException e) {
                failed.add(write.getKey() + " = " + write.getValue() + ": " + e.getMessage());
            }
        }
        if (!failed.isEmpty()) {
            throw CriException.failedPrecondition("cannot apply pod resources: %s", String.join("; ", failed));
        }
    }

    private void v1(Path relative, LinuxContainerResources r, Map<Path, String> writes) {
        var cpu = root.resolve(Files.isDirectory(root.resolve("cpu")) ? "cpu" : "cpu,cpuacct").resolve(relative);
        if (r.getCpuShares() > 0) {
            writes.put(cpu.resolve("cpu.shares"), Long.toString(r.getCpuShares()));
        }
        if (r.getCpuQuota() != 0 || r.getCpuPeriod() != 0) {
            writes.put(cpu.resolve("cpu.cfs_period_us"), Long.toString(period(r)));
            writes.put(cpu.resolve("cpu.cfs_quota_us"), Long.toString(r.getCpuQuota() > 0 ? r.getCpuQuota() : -1));
        }
        if (r.getMemoryLimitInBytes() != 0) {
            writes.put(root.resolve("memory").resolve(relative).resolve("memory.limit_in_bytes"),
                    Long.toString(r.getMemoryLimitInBytes() > 0 ? r.getMemoryLimitInBytes() : -1));
        }
    }

    private static void v2(Path dir, LinuxContainerResources r, Map<Path, String> writes) {
        if (r.getCpuShares() > 0) {
            writes.put(dir.resolve("cpu.weight"), Long.toString(weight(r.getCpuShares())));
        }
        if (r.getCpuQuota() != 0 || r.getCpuPeriod() != 0) {
            writes.put(dir.resolve("cpu.max"), (r.getCpuQuota() > 0 ? Long.toString(r.getCpuQuota()) : "max") + " " + period(r));
        }
        if (r.getMemoryLimitInBytes() != 0) {
            writes.put(dir.resolve("memory.max"), r.getMemoryLimitInBytes() > 0 ? Long.toString(r.getMemoryLimitInBytes()) : "max");
        }
    }

    /** cgroup v1 CPU shares (2..262144) as a v2 weight (1..10000). */
    static long weight(long shares) {
        long clamped = Math.clamp(shares, 2, 262_144);
        return 1 + (clamped - 2) * 9_999 / 262_142;
    }

    private static long period(LinuxContainerResources r) {
        return r.getCpuPeriod() > 0 ? r.getCpuPeriod() : DEFAULT_PERIOD;
    }
}
