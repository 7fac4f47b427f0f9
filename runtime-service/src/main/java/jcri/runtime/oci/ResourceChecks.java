package jcri.runtime.oci;

import java.util.regex.Pattern;
import jcri.api.CriException;
import jcri.api.v1.LinuxContainerResources;

/**
 * Refuses container resource values the kernel or runc would reject, before any is applied: runc applies an update
 * setting by setting, so a late refusal leaves a container half-updated.
 */
final class ResourceChecks {
    private static final Pattern CPU_LIST = Pattern.compile("\\d+(-\\d+)?(,\\d+(-\\d+)?)*");
    private static final Pattern PAGE_SIZE = Pattern.compile("\\d+[KMG]B");

    private ResourceChecks() {
    }

    /** Refuses a bad value in {@code r}; {@code unifiedHost}: /sys/fs/cgroup is the v2 unified hierarchy itself (not v1 controllers, as on hybrid hosts). */
    static void check(LinuxContainerResources r, boolean unifiedHost) {
        require(r.getCpuShares() == 0 || r.getCpuShares() >= 2 && r.getCpuShares() <= 262_144,
                "cpu_shares must be 0 (unset) or 2 to 262144, got %d", r.getCpuShares());
        require(r.getCpuQuota() == 0 || r.getCpuQuota() == -1 || r.getCpuQuota() >= 1000,
                "cpu_quota must be 0 (unset), -1 (unlimited) or at least 1000 µs, got %d", r.getCpuQuota());
        require(r.getCpuPeriod() == 0 || r.getCpuPeriod() >= 1000 && r.getCpuPeriod() <= 1_000_000,
                "cpu_period must be 0 (unset) or 1000 to 1000000 µs, got %d", r.getCpuPeriod());
        require(r.getMemoryLimitInBytes() >= 0, "memory_limit_in_bytes must not be negative, got %d", r.getMemoryLimitInBytes());
        require(r.getMemorySwapLimitInBytes() >= -1, "memory_swap_limit_in_bytes must be -1 (unlimited) or more, got %d",
                r.getMemorySwapLimitInBytes());
        require(r.getOomScoreAdj() >= -1000 && r.getOomScoreAdj() <= 1000, "oom_score_adj must be -1000 to 1000, got %d",
                r.getOomScoreAdj());
        require(r.getCpusetCpus().isEmpty() || CPU_LIST.matcher(r.getCpusetCpus()).matches(),
                "cpuset_cpus must be a CPU list such as 0-3,6, got '%s'", r.getCpusetCpus());
        require(r.getCpusetMems().isEmpty() || CPU_LIST.matcher(r.getCpusetMems()).matches(),
                "cpuset_mems must be a node list such as 0-1, got '%s'", r.getCpusetMems());
        require(r.getUnifiedCount() == 0 || unifiedHost,
                "unified resources %s need the cgroup v2 unified hierarchy; this node's controllers are cgroup v1", r.getUnifiedMap().keySet());
        for (var key : r.getUnifiedMap().keySet()) {
            require(!key.isEmpty() && !key.contains("/") && !key.equals(".") && !key.equals(".."),
                    "unified keys are cgroup file names, got '%s'", key);
        }
        for (var page : r.getHugepageLimitsList()) {
            require(PAGE_SIZE.matcher(page.getPageSize()).matches(), "hugepage page_size must look like 2MB or 1GB, got '%s'", page.getPageSize());
        }
    }

    private static void require(boolean ok, String format, Object... args) {
        if (!ok) {
            throw CriException.invalid(format, args);
        }
    }
}
