package jcri.runtime.oci;

import java.util.List;
import jcri.api.v1.LinuxContainerResources;
import jcri.runtime.cgroup.HugetlbController;
import jcri.runtime.oci.spec.Resources;

/**
 * {@code linux.resources} from CRI resources, checked first ({@link ResourceChecks}); unset values are left out,
 * hugepage limits dropped where the node has no hugetlb controller.
 */
final class ResourceSection {
    private final HugetlbController hugetlb;
    private final boolean unifiedCgroup;

    ResourceSection(HugetlbController hugetlb, boolean unifiedCgroup) {
        this.hugetlb = hugetlb;
        this.unifiedCgroup = unifiedCgroup;
    }

    /** The resources of {@code r}, with {@code deviceRules} (null for none, as in an update). */
    Resources of(LinuxContainerResources r, List<Resources.DeviceRule> deviceRules) {
        ResourceChecks.check(r, unifiedCgroup);
        var cpu = new Resources.Cpu(r.getCpuShares() > 0 ? r.getCpuShares() : null, r.getCpuQuota() != 0 ? r.getCpuQuota() : null,
                r.getCpuPeriod() > 0 ? r.getCpuPeriod() : null, emptyToNull(r.getCpusetCpus()), emptyToNull(r.getCpusetMems()));
        var limited = r.getMemoryLimitInBytes() > 0;
        var memory = new Resources.Memory(limited ? r.getMemoryLimitInBytes() : null,
                limited && r.getMemorySwapLimitInBytes() > 0 ? r.getMemorySwapLimitInBytes() : null);
        var hugepages = hugetlb.tolerated(r.getHugepageLimitsList()).stream()
                .map(h -> new Resources.HugepageLimit(h.getPageSize(), h.getLimit())).toList();
        return new Resources(deviceRules, cpu, memory, hugepages.isEmpty() ? null : hugepages,
                r.getUnifiedCount() > 0 ? OciSpecBuilder.inOrder(r.getUnifiedMap()) : null);
    }

    private static String emptyToNull(String s) {
        return s.isEmpty() ? null : s;
    }
}
