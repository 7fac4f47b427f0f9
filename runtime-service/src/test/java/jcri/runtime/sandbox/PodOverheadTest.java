package jcri.runtime.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;

import jcri.api.v1.LinuxContainerResources;
import org.junit.jupiter.api.Test;

/** A pod's cgroup limits are its containers' limits plus the RuntimeClass overhead. */
class PodOverheadTest {
    private static final LinuxContainerResources LIMITS = LinuxContainerResources.newBuilder()
            .setCpuShares(1024).setCpuQuota(50_000).setCpuPeriod(100_000).setMemoryLimitInBytes(128L << 20).build();

    @Test
    void podLimitsIncludeTheOverhead() {
        var overhead = LinuxContainerResources.newBuilder().setCpuShares(100).setCpuQuota(10_000).setMemoryLimitInBytes(1 << 20).build();
        var sum = SandboxManager.sum(overhead, LIMITS);
        assertEquals(1124, sum.getCpuShares());
        assertEquals(60_000, sum.getCpuQuota());
        assertEquals((128L << 20) + (1 << 20), sum.getMemoryLimitInBytes());
        assertEquals(0, SandboxManager.sum(overhead, LinuxContainerResources.getDefaultInstance()).getMemoryLimitInBytes(),
                "no pod limit stays no change");
    }
}
