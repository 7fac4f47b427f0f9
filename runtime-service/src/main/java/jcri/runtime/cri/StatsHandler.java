package jcri.runtime.cri;

import io.grpc.stub.StreamObserver;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import jcri.api.Rpc;
import jcri.api.v1.ContainerAttributes;
import jcri.api.v1.ContainerStats;
import jcri.api.v1.ContainerStatsFilter;
import jcri.api.v1.ContainerStatsRequest;
import jcri.api.v1.ContainerStatsResponse;
import jcri.api.v1.CpuUsage;
import jcri.api.v1.FilesystemIdentifier;
import jcri.api.v1.FilesystemUsage;
import jcri.api.v1.LinuxPodSandboxStats;
import jcri.api.v1.ListContainerStatsRequest;
import jcri.api.v1.ListContainerStatsResponse;
import jcri.api.v1.ListPodSandboxStatsRequest;
import jcri.api.v1.ListPodSandboxStatsResponse;
import jcri.api.v1.MemoryUsage;
import jcri.api.v1.NetworkInterfaceUsage;
import jcri.api.v1.NetworkUsage;
import jcri.api.v1.PodSandboxAttributes;
import jcri.api.v1.PodSandboxStats;
import jcri.api.v1.PodSandboxStatsFilter;
import jcri.api.v1.PodSandboxStatsRequest;
import jcri.api.v1.PodSandboxStatsResponse;
import jcri.api.v1.ProcessUsage;
import jcri.api.v1.RuntimeServiceGrpc;
import jcri.api.v1.StreamContainerStatsRequest;
import jcri.api.v1.StreamContainerStatsResponse;
import jcri.api.v1.StreamPodSandboxStatsRequest;
import jcri.api.v1.StreamPodSandboxStatsResponse;
import jcri.api.v1.UInt64Value;
import jcri.runtime.Filters;
import jcri.runtime.cgroup.CgroupStats;
import jcri.runtime.container.ContainerManager;
import jcri.runtime.container.ContainerRecord;
import jcri.runtime.sandbox.SandboxManager;
import jcri.runtime.sandbox.SandboxRecord;
import jcri.runtime.stats.NetDev;
import jcri.runtime.stats.StatsCollector;

/** CRI handlers for ContainerStats, ListContainerStats, PodSandboxStats and ListPodSandboxStats. */
public final class StatsHandler implements RuntimeServiceGrpc.AsyncService {
    private final StatsCollector stats;
    private final ContainerManager containers;
    private final SandboxManager sandboxes;
    private final Path layerMountpoint;

    public StatsHandler(StatsCollector stats, ContainerManager containers, SandboxManager sandboxes, Path layerMountpoint) {
        this.stats = stats;
        this.containers = containers;
        this.sandboxes = sandboxes;
        this.layerMountpoint = layerMountpoint;
    }

    @Override
    public void containerStats(ContainerStatsRequest request, StreamObserver<ContainerStatsResponse> observer) {
        Rpc.unary(observer, () -> ContainerStatsResponse.newBuilder()
                .setStats(toCri(stats.container(containers.get(request.getContainerId())))).build());
    }

    @Override
    public void listContainerStats(ListContainerStatsRequest request, StreamObserver<ListContainerStatsResponse> observer) {
        Rpc.unary(observer, () -> ListContainerStatsResponse.newBuilder().addAllStats(containerStats(request.getFilter())).build());
    }

    @Override
    public void streamContainerStats(StreamContainerStatsRequest request, StreamObserver<StreamContainerStatsResponse> observer) {
        Rpc.streamed(observer, () -> containerStats(request.getFilter()),
                batch -> StreamContainerStatsResponse.newBuilder().addAllContainerStats(batch).build());
    }

    private List<ContainerStats> containerStats(ContainerStatsFilter filter) {
        return stats.containers().parallelStream() // the cgroup file reads of many containers, on every core
                .filter(record -> Filters.idMatches(filter.getId(), record.id()) && Filters.idMatches(filter.getPodSandboxId(), record.podId())
                        && Filters.labelsMatch(filter.getLabelSelectorMap(), record.parsedConfig().getLabelsMap()))
                .map(record -> toCri(stats.container(record)))
                .toList();
    }

    @Override
    public void podSandboxStats(PodSandboxStatsRequest request, StreamObserver<PodSandboxStatsResponse> observer) {
        Rpc.unary(observer, () -> PodSandboxStatsResponse.newBuilder()
                .setStats(toCri(sandboxes.get(request.getPodSandboxId()), StatsCollector.byPod(containers.list()))).build());
    }

    @Override
    public void listPodSandboxStats(ListPodSandboxStatsRequest request, StreamObserver<ListPodSandboxStatsResponse> observer) {
        Rpc.unary(observer, () -> ListPodSandboxStatsResponse.newBuilder().addAllStats(podStats(request.getFilter())).build());
    }

    @Override
    public void streamPodSandboxStats(StreamPodSandboxStatsRequest request, StreamObserver<StreamPodSandboxStatsResponse> observer) {
        Rpc.streamed(observer, () -> podStats(request.getFilter()),
                batch -> StreamPodSandboxStatsResponse.newBuilder().addAllPodSandboxStats(batch).build());
    }

    private List<PodSandboxStats> podStats(PodSandboxStatsFilter filter) {
        var byPod = StatsCollector.byPod(stats.containers());
        return sandboxes.list().parallelStream()
                .filter(pod -> Filters.idMatches(filter.getId(), pod.id())
                        && Filters.labelsMatch(filter.getLabelSelectorMap(), pod.parsedConfig().getLabelsMap()))
                .map(pod -> toCri(pod, byPod))
                .toList();
    }

    private PodSandboxStats toCri(SandboxRecord pod, Map<String, List<ContainerRecord>> containersByPod) {
        var sample = stats.pod(pod.id(), containersByPod.getOrDefault(pod.id(), List.of()));
        var config = pod.parsedConfig();
        var linux = LinuxPodSandboxStats.newBuilder()
                .setCpu(cpu(sample.timestamp(), sample.total(), sample.nanoCores()))
                .setMemory(memory(sample.timestamp(), sample.total()))
                .setProcess(ProcessUsage.newBuilder().setTimestamp(sample.timestamp()).setProcessCount(u64(sample.total().processes())));
        if (!sample.network().isEmpty()) {
            var network = NetworkUsage.newBuilder().setTimestamp(sample.timestamp());
            for (var i : sample.network()) {
                var usage = NetworkInterfaceUsage.newBuilder().setName(i.name()).setRxBytes(u64(i.rxBytes()))
                        .setRxErrors(u64(i.rxErrors())).setTxBytes(u64(i.txBytes())).setTxErrors(u64(i.txErrors())).build();
                network.addInterfaces(usage);
                if (i.name().equals("eth0")) {
                    network.setDefaultInterface(usage);
                }
            }
            linux.setNetwork(network);
        }
        sample.containers().forEach(c -> linux.addContainers(toCri(c)));
        return PodSandboxStats.newBuilder()
                .setAttributes(PodSandboxAttributes.newBuilder().setId(pod.id()).setMetadata(config.getMetadata())
                        .putAllLabels(config.getLabelsMap()).putAllAnnotations(config.getAnnotationsMap()))
                .setLinux(linux)
                .build();
    }

    private ContainerStats toCri(StatsCollector.ContainerSample sample) {
        var record = sample.container();
        var config = record.parsedConfig();
        var builder = ContainerStats.newBuilder()
                .setAttributes(ContainerAttributes.newBuilder().setId(record.id()).setMetadata(config.getMetadata())
                        .putAllLabels(config.getLabelsMap()).putAllAnnotations(config.getAnnotationsMap()))
                .setWritableLayer(FilesystemUsage.newBuilder().setTimestamp(sample.timestamp())
                        .setFsId(FilesystemIdentifier.newBuilder().setMountpoint(layerMountpoint.toString()))
                        .setUsedBytes(u64(sample.writableLayer().bytes())).setInodesUsed(u64(sample.writableLayer().inodes())));
        sample.cgroup().ifPresent(c -> builder.setCpu(cpu(sample.timestamp(), c, sample.nanoCores()))
                .setMemory(memory(sample.timestamp(), c)));
        return builder.build();
    }

    private static CpuUsage cpu(long timestamp, CgroupStats c, long nanoCores) {
        return CpuUsage.newBuilder().setTimestamp(timestamp).setUsageCoreNanoSeconds(u64(c.cpuNanos()))
                .setUsageNanoCores(u64(nanoCores)).build();
    }

    private static MemoryUsage memory(long timestamp, CgroupStats c) {
        var memory = MemoryUsage.newBuilder().setTimestamp(timestamp).setWorkingSetBytes(u64(c.workingSet()))
                .setUsageBytes(u64(c.memoryUsage())).setRssBytes(u64(c.rss())).setPageFaults(u64(c.pageFaults()))
                .setMajorPageFaults(u64(c.majorPageFaults()));
        if (c.memoryLimit() > 0) {
            memory.setAvailableBytes(u64(Math.max(0, c.memoryLimit() - c.workingSet())));
        }
        return memory.build();
    }

    private static UInt64Value u64(long value) {
        return UInt64Value.newBuilder().setValue(value).build();
    }
}
