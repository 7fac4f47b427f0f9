package jcri.runtime.cgroup;

/**
 * One reading of a cgroup, in the units the CRI uses.
 *
 * @param cpuNanos cumulative CPU time
 * @param memoryUsage current usage (page cache included)
 * @param workingSet usage less inactive file pages (what the kubelet evicts on)
 * @param rss anonymous memory
 * @param pageFaults all page faults
 * @param majorPageFaults major page faults
 * @param memoryLimit the limit, 0 when unlimited
 * @param processes tasks in the cgroup
 */
public record CgroupStats(long cpuNanos, long memoryUsage, long workingSet, long rss, long pageFaults, long majorPageFaults,
                          long memoryLimit, long processes) {
    /** Field-wise sum (limits add up too: a pod's containers' limits). */
    public CgroupStats plus(CgroupStats o) {
        return new CgroupStats(cpuNanos + o.cpuNanos, memoryUsage + o.memoryUsage, workingSet + o.workingSet, rss + o.rss,
                pageFaults + o.pageFaults, majorPageFaults + o.majorPageFaults,
                memoryLimit == 0 || o.memoryLimit == 0 ? 0 : memoryLimit + o.memoryLimit, processes + o.processes);
    }

    public static final CgroupStats ZERO = new CgroupStats(0, 0, 0, 0, 0, 0, 0, 0);
}
