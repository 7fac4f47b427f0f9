package jcri.critest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Files;
import java.nio.file.Path;
import jcri.api.v1.LinuxContainerResources;
import jcri.api.v1.LinuxPodSandboxConfig;
import jcri.api.v1.UpdatePodSandboxResourcesRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** UpdatePodSandboxResources writes pod-level limits into the pod's own cgroup, read back from the host's cgroup files. */
class PodResourcesSpec {
    private static final String PARENT = "critest-podres-" + ProcessHandle.current().pid();
    private static final Path CGROUPS = Path.of("/sys/fs/cgroup");

    @AfterAll
    static void removeCgroups() {
        Leaks.removeCgroup(PARENT);
    }

    @Test
    void podLimitsLandInThePodCgroup() throws Exception {
        Assumptions.assumeFalse(Target.external(), "other runtimes may leave pod cgroups to the kubelet");
        var cri = Target.client();
        var pod = Pods.config("podres").setLinux(LinuxPodSandboxConfig.newBuilder().setCgroupParent("/" + PARENT)).build();
        var podId = Pods.run(cri, pod);
        try {
            Pods.start(cri, podId, pod, Pods.shell(cri, "c", "exec sleep 1000").build());
            cri.runtime().updatePodSandboxResources(UpdatePodSandboxResourcesRequest.newBuilder().setPodSandboxId(podId)
                    .setResources(LinuxContainerResources.newBuilder().setCpuShares(512).setCpuQuota(50_000).setCpuPeriod(100_000)
                            .setMemoryLimitInBytes(128L << 20))
                    .setOverhead(LinuxContainerResources.newBuilder().setMemoryLimitInBytes(16L << 20))
                    .build());
            if (Files.exists(CGROUPS.resolve("cgroup.controllers"))) {
                assertEquals(Long.toString(144L << 20), read(PARENT + "/memory.max"));
                assertEquals("50000 100000", read(PARENT + "/cpu.max"));
            } else {
                assertEquals(Long.toString(144L << 20), read("memory/" + PARENT + "/memory.limit_in_bytes"), "limit plus overhead");
                var cpu = Files.isDirectory(CGROUPS.resolve("cpu")) ? "cpu/" : "cpu,cpuacct/";
                assertEquals("512", read(cpu + PARENT + "/cpu.shares"));
                assertEquals("50000", read(cpu + PARENT + "/cpu.cfs_quota_us"));
            }
        } finally {
            Pods.destroy(cri, podId);
        }
    }

    @Test
    void aPodWithoutItsOwnCgroupOrAnUnknownPodIsRefused() {
        Assumptions.assumeFalse(Target.external(), "jcri's pod cgroups (cgroup_parent); other runtimes may leave pod cgroups to the kubelet");
        var cri = Target.client();
        var podId = Pods.run(cri, Pods.config("podres-shared").build());
        try {
            var request = UpdatePodSandboxResourcesRequest.newBuilder().setPodSandboxId(podId)
                    .setResources(LinuxContainerResources.newBuilder().setMemoryLimitInBytes(64L << 20)).build();
            var shared = assertThrows(StatusRuntimeException.class, () -> cri.runtime().updatePodSandboxResources(request));
            assertEquals(Status.Code.FAILED_PRECONDITION, shared.getStatus().getCode());
            assertTrue(shared.getStatus().getDescription().contains("cgroup_parent"), shared.getStatus().getDescription());
        } finally {
            Pods.destroy(cri, podId);
        }
        var unknown = assertThrows(StatusRuntimeException.class, () -> cri.runtime().updatePodSandboxResources(
                UpdatePodSandboxResourcesRequest.newBuilder().setPodSandboxId("f".repeat(64)).build()));
        assertEquals(Status.Code.NOT_FOUND, unknown.getStatus().getCode());
    }

    private static String read(String relative) throws Exception {
        return Files.readString(CGROUPS.resolve(relative)).strip();
    }
}
