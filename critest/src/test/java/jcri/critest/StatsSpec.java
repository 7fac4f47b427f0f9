package jcri.critest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jcri.api.v1.ContainerStatsFilter;
import jcri.api.v1.ContainerStatsRequest;
import jcri.api.v1.LinuxContainerConfig;
import jcri.api.v1.LinuxContainerResources;
import jcri.api.v1.ListContainerStatsRequest;
import jcri.api.v1.ListPodSandboxStatsRequest;
import jcri.api.v1.PodSandboxStatsFilter;
import jcri.api.v1.PodSandboxStatsRequest;
import org.junit.jupiter.api.Test;

/** critest "container stats", pod stats (CPU, memory, writable layer, network, processes) and "OOM". */
class StatsSpec {
    private final CriClient cri = Target.client();

    @Test
    void anOomKilledContainerSaysSo() throws Exception {
        var pod = Pods.config("oom").build();
        var podId = Pods.run(cri, pod);
        try {
            var config = Pods.shell(cri, "hog", "x=$(head -c 300000000 /dev/zero | tr '\\0' a); echo survived")
                    .setLinux(LinuxContainerConfig.newBuilder().setResources(LinuxContainerResources.newBuilder()
                            .setMemoryLimitInBytes(32L << 20))).build();
            var id = Pods.start(cri, podId, pod, config);
            Logs.afterExit(cri, id, Pods.log(pod, config));
            var status = cri.runtime().containerStatus(jcri.api.v1.ContainerStatusRequest.newBuilder().setContainerId(id).build()).getStatus();
            assertEquals(137, status.getExitCode(), status.toString());
            assertEquals("OOMKilled", status.getReason());
        } finally {
            Pods.destroy(cri, podId);
        }
    }

    @Test
    void busyContainerShowsCpuMemoryDiskAndNetwork() throws Exception {
        var pod = Pods.config("stats").build();
        var podId = Pods.run(cri, pod);
        try {
            // a few packets out of eth0 (ARP and ICMP towards a documentation address), counted by the kernel first
            var config = Pods.shell(cri, "busy", "ping -c 2 -W 1 192.0.2.1 >/dev/null 2>&1; echo tx=$(cat /sys/class/net/eth0/statistics/tx_bytes);"
                            + " dd if=/dev/zero of=/tmp/eight bs=1M count=8 2>/dev/null; echo written; while :; do :; done")
                    .setLinux(LinuxContainerConfig.newBuilder().setResources(LinuxContainerResources.newBuilder()
                            .setMemoryLimitInBytes(256L << 20))).build();
            var id = Pods.start(cri, podId, pod, config);
            Logs.await(Pods.log(pod, config), "written", java.time.Duration.ofSeconds(30)); // the layer is measured from here
            var stats = cri.runtime().containerStats(ContainerStatsRequest.newBuilder().setContainerId(id).build()).getStats();
            long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
            while (stats.getCpu().getUsageCoreNanoSeconds().getValue() < 1_200_000_000L && System.nanoTime() < deadline) {
                Thread.sleep(200); // a busy loop, but on a node that may be busy too
                stats = cri.runtime().containerStats(ContainerStatsRequest.newBuilder().setContainerId(id).build()).getStats();
            }
            assertEquals(id, stats.getAttributes().getId());
            assertTrue(stats.getCpu().getUsageCoreNanoSeconds().getValue() >= 1_200_000_000L, stats.getCpu().toString());
            assertTrue(stats.getCpu().getUsageNanoCores().getValue() > 100_000_000L, "a busy loop's rate between samples: " + stats.getCpu());
            var memory = stats.getMemory();
            assertTrue(memory.getUsageBytes().getValue() > 0 && memory.getWorkingSetBytes().getValue() > 0, memory.toString());
            assertEquals((256L << 20) - memory.getWorkingSetBytes().getValue(), memory.getAvailableBytes().getValue());
            assertTrue(stats.getWritableLayer().getUsedBytes().getValue() >= 8L << 20, stats.getWritableLayer().toString());
            var listed = cri.runtime().listContainerStats(ListContainerStatsRequest.newBuilder()
                    .setFilter(ContainerStatsFilter.newBuilder().setPodSandboxId(podId)).build()).getStatsList();
            assertEquals(1, listed.size());
            var podStats = cri.runtime().podSandboxStats(PodSandboxStatsRequest.newBuilder().setPodSandboxId(podId).build()).getStats();
            assertEquals(podId, podStats.getAttributes().getId());
            assertEquals("eth0", podStats.getLinux().getNetwork().getDefaultInterface().getName());
            long sent = Long.parseLong(Logs.text(Pods.log(pod, config)).stream().filter(l -> l.startsWith("tx=")).findFirst().orElseThrow()
                    .substring(3));
            long txBytes = podStats.getLinux().getNetwork().getDefaultInterface().getTxBytes().getValue();
            assertTrue(sent > 0 && txBytes >= sent, "tx_bytes " + txBytes + ", the container's eth0 counted " + sent + " before");
            assertTrue(podStats.getLinux().getProcess().getProcessCount().getValue() >= 1, podStats.getLinux().getProcess().toString());
            assertEquals(1, podStats.getLinux().getContainersCount());
            assertTrue(podStats.getLinux().getCpu().getUsageCoreNanoSeconds().getValue() > 0);
            var pods = cri.runtime().listPodSandboxStats(ListPodSandboxStatsRequest.newBuilder()
                    .setFilter(PodSandboxStatsFilter.newBuilder().setId(podId)).build()).getStatsList();
            assertEquals(1, pods.size());
            var descriptors = cri.runtime().listMetricDescriptors(jcri.api.v1.ListMetricDescriptorsRequest.getDefaultInstance())
                    .getDescriptorsList().stream().map(jcri.api.v1.MetricDescriptor::getName).toList();
            assertTrue(descriptors.contains("container_memory_working_set_bytes"), descriptors.toString());
            var podMetrics = cri.runtime().listPodSandboxMetrics(jcri.api.v1.ListPodSandboxMetricsRequest.getDefaultInstance())
                    .getPodMetricsList().stream().filter(m -> m.getPodSandboxId().equals(podId)).findFirst().orElseThrow();
            var containerMetrics = podMetrics.getContainerMetrics(0);
            assertEquals(id, containerMetrics.getContainerId());
            var cpu = containerMetrics.getMetricsList().stream().filter(m -> m.getName().equals("container_cpu_usage_seconds_total"))
                    .findFirst().orElseThrow();
            assertEquals(jcri.api.v1.MetricType.COUNTER, cpu.getMetricType());
            assertTrue(cpu.getValue().getValue() >= 1, cpu.toString());
            assertTrue(podMetrics.getMetricsList().stream().anyMatch(m -> m.getName().equals("container_network_receive_bytes_total")
                    && m.getLabelValuesList().contains("eth0")), podMetrics.getMetricsList().toString());
        } finally {
            Pods.destroy(cri, podId);
        }
    }
}
