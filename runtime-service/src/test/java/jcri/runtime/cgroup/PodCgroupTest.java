package jcri.runtime.cgroup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import io.grpc.Status;
import jcri.api.CriException;
import jcri.api.v1.LinuxContainerResources;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pod limits as cgroup file writes, on trees the test lays out like the kernel's v1 and v2
 * hierarchies (the live v1 path is covered by critest's PodResourcesSpec; this host's v2 mount has
 * no controllers).
 */
class PodCgroupTest {
    private static final LinuxContainerResources LIMITS = LinuxContainerResources.newBuilder()
            .setCpuShares(1024).setCpuQuota(50_000).setCpuPeriod(100_000).setMemoryLimitInBytes(128L << 20).build();
    @TempDir
    Path root;

    @Test
    void writesTheUnifiedHierarchysFiles() throws Exception {
        Files.writeString(root.resolve("cgroup.controllers"), "cpu memory pids\n");
        Files.createDirectories(root.resolve("kubepods/pod1"));
        new PodCgroup(root, new CgroupfsDriver()).apply("/kubepods/pod1", LIMITS);
        assertEquals("39", Files.readString(root.resolve("kubepods/pod1/cpu.weight")));
        assertEquals("50000 100000", Files.readString(root.resolve("kubepods/pod1/cpu.max")));
        assertEquals(Long.toString(128L << 20), Files.readString(root.resolve("kubepods/pod1/memory.max")));
        new PodCgroup(root, new CgroupfsDriver()).apply("/kubepods/pod1", LinuxContainerResources.newBuilder().setCpuQuota(-1).setMemoryLimitInBytes(-1).build());
        assertEquals("max 100000", Files.readString(root.resolve("kubepods/pod1/cpu.max")));
        assertEquals("max", Files.readString(root.resolve("kubepods/pod1/memory.max")));
    }

    @Test
    void writesV1ControllersAndExpandsSystemdSlices() throws Exception {
        var slice = Path.of("kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod1.slice");
        Files.createDirectories(root.resolve("cpu,cpuacct").resolve(slice));
        Files.createDirectories(root.resolve("memory").resolve(slice));
        new PodCgroup(root, new SystemdDriver()).apply("kubepods-burstable-pod1.slice", LIMITS);
        assertEquals("1024", Files.readString(root.resolve("cpu,cpuacct").resolve(slice).resolve("cpu.shares")));
        assertEquals("100000", Files.readString(root.resolve("cpu,cpuacct").resolve(slice).resolve("cpu.cfs_period_us")));
        assertEquals("50000", Files.readString(root.resolve("cpu,cpuacct").resolve(slice).resolve("cpu.cfs_quota_us")));
        assertEquals(Long.toString(128L << 20), Files.readString(root.resolve("memory").resolve(slice).resolve("memory.limit_in_bytes")));
    }

    @Test
    void refusesMissingCgroupsAndBadNames() throws Exception {
        Files.createDirectories(root.resolve("memory"));
        var missing = assertThrows(CriException.class, () -> new PodCgroup(root, new CgroupfsDriver()).apply("/nowhere", LIMITS));
        assertEquals(Status.Code.FAILED_PRECONDITION, missing.code());
        assertTrue(missing.getMessage().contains("/nowhere"), missing.getMessage());
        assertEquals(Status.Code.INVALID_ARGUMENT, assertThrows(CriException.class,
                () -> new PodCgroup(root, new SystemdDriver()).apply("not-a-slice", LIMITS)).code());
        assertEquals(Status.Code.INVALID_ARGUMENT, assertThrows(CriException.class,
                () -> new PodCgroup(root, new CgroupfsDriver()).apply("/a/../../etc", LIMITS)).code());
    }

    @Test
    void sharesMapOntoTheWeightRange() {
        assertEquals(1, PodCgroup.weight(2));
        assertEquals(10_000, PodCgroup.weight(262_144));
        assertEquals(1, PodCgroup.weight(0));
    }
}
