package jcri.runtime.stats;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import jcri.runtime.Times;
import jcri.runtime.container.ContainerManager;
import jcri.runtime.container.ContainerRecord;
import jcri.snapshot.SnapshotException;
import jcri.snapshot.Snapshotter;
import jcri.snapshot.Usage;

/**
 * Samples containers and pods: cgroup counters of running containers, their writable layers,
 * and pod network counters; CPU rate (nano-cores) from the previous sample of the same object.
 * Knows nothing of gRPC.
 */
public final class StatsCollector {
    private final ContainerManager containers;
    private final Snapshotter snapshots;
    private final CgroupReader cgroups;
    private final Map<String, long[]> lastCpu = new ConcurrentHashMap<>();

    /** One container's sample. */
    public record ContainerSample(ContainerRecord container, long timestamp, Optional<CgroupStats> cgroup, long nanoCores,
                                  Usage writableLayer) {
    }

    /** One pod's sample: its containers summed, plus network counters. */
    public record PodSample(String podId, long timestamp, CgroupStats total, long nanoCores, List<NetDev.Interface> network,
                            List<ContainerSample> containers) {
    }

    public StatsCollector(ContainerManager containers, Snapshotter snapshots, CgroupReader cgroups) {
        this.containers = containers;
        this.snapshots = snapshots;
        this.cgroups = cgroups;
    }

    public ContainerSample container(ContainerRecord record) {
        long now = Times.now();
        var cgroup = record.state().equals(ContainerRecord.RUNNING) ? cgroups.read(record.pid()) : Optional.<CgroupStats>empty();
        long cores = cgroup.map(c -> rate(record.id(), now, c.cpuNanos())).orElse(0L);
        Usage layer;
        try {
            layer = snapshots.usage(record.id());
        } catch (SnapshotException e) {
            layer = new Usage(0, 0);
        }
        return new ContainerSample(record, now, cgroup, cores, layer);
    }

    public PodSample pod(String podId) {
        long now = Times.now();
        var samples = containers.list().stream().filter(c -> c.podId().equals(podId)).map(this::container).toList();
        var total = samples.stream().map(s -> s.cgroup().orElse(CgroupStats.ZERO)).reduce(CgroupStats.ZERO, CgroupStats::plus);
        var network = samples.stream().filter(s -> s.cgroup().isPresent()).findFirst()
                .map(s -> NetDev.read(s.container().pid())).orElse(List.of());
        return new PodSample(podId, now, total, rate("pod:" + podId, now, total.cpuNanos()), network, samples);
    }

    /** CPU nano-cores since the previous sample of {@code key} (0 for the first). */
    private long rate(String key, long now, long cpuNanos) {
        var previous = lastCpu.put(key, new long[] {now, cpuNanos});
        if (previous == null || now <= previous[0] || cpuNanos < previous[1]) {
            return 0;
        }
        return (cpuNanos - previous[1]) * 1_000_000_000L / (now - previous[0]);
    }

    /** Forgets the CPU samples of containers and pods that are gone. */
    public void prune() {
        var live = new java.util.HashSet<String>();
        for (var c : containers.list()) {
            live.add(c.id());
            live.add("pod:" + c.podId());
        }
        lastCpu.keySet().retainAll(live);
    }
}
