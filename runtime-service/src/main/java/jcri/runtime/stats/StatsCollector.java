package jcri.runtime.stats;

import jcri.runtime.cgroup.CgroupReader;
import jcri.runtime.cgroup.CgroupStats;
import jcri.runtime.cgroup.HeldFiles;

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
    private static final long LAYER_USAGE_TTL_NANOS = 10_000_000_000L;
    private final Map<String, long[]> lastCpu = new ConcurrentHashMap<>();
    private final Map<String, Sampled> sampled = new ConcurrentHashMap<>();
    private final Map<String, TimedUsage> layerUsage = new ConcurrentHashMap<>();

    /** A running container's cgroup and its files, held open between samples. */
    private record Sampled(CgroupReader.Location where, HeldFiles files) {
    }

    /** A writable layer's usage and when it was measured: walking a layer is the costly part of a sample. */
    private record TimedUsage(long measuredNanos, Usage usage) {
    }

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

    /**
     * Samples one container. Its cgroup is located once and its files are kept open while it runs;
     * its writable layer is walked at most every 10 s (as cAdvisor does).
     */
    public ContainerSample container(ContainerRecord record) {
        long now = Times.now();
        Optional<CgroupStats> cgroup;
        if (record.state() == jcri.runtime.container.ContainerState.RUNNING) {
            cgroup = cgroup(record);
        } else {
            forget(record.id());
            cgroup = Optional.empty();
        }
        long cores = cgroup.map(c -> rate(record.id(), now, c.cpuNanos())).orElse(0L);
        return new ContainerSample(record, now, cgroup, cores, layerUsage(record.id()));
    }

    private Optional<CgroupStats> cgroup(ContainerRecord record) {
        var entry = sampled.get(record.id());
        if (entry == null) {
            var where = cgroups.locate(record.pid());
            if (where.isEmpty()) {
                return Optional.empty();
            }
            entry = new Sampled(where.get(), new HeldFiles());
            var raced = sampled.putIfAbsent(record.id(), entry);
            if (raced != null) {
                entry.files().close();
                entry = raced;
            }
        }
        var read = cgroups.read(entry.where(), entry.files());
        if (read.isEmpty()) {
            forget(record.id());
        }
        return read;
    }

    private void forget(String id) {
        var gone = sampled.remove(id);
        if (gone != null) {
            gone.files().close();
        }
    }

    private Usage layerUsage(String id) {
        long now = System.nanoTime();
        var cached = layerUsage.get(id);
        if (cached != null && now - cached.measuredNanos() < LAYER_USAGE_TTL_NANOS) {
            return cached.usage();
        }
        Usage usage;
        try {
            usage = snapshots.usage(id);
        } catch (SnapshotException e) {
            usage = new Usage(0, 0);
        }
        layerUsage.put(id, new TimedUsage(now, usage));
        return usage;
    }

    /** Containers grouped by pod (so sampling all pods costs one pass over the containers). */
    public static Map<String, List<ContainerRecord>> byPod(List<ContainerRecord> all) {
        return all.stream().collect(java.util.stream.Collectors.groupingBy(ContainerRecord::podId));
    }

    /** Samples a pod whose containers are {@code podContainers} (see {@link #byPod}). */
    public PodSample pod(String podId, List<ContainerRecord> podContainers) {
        long now = Times.now();
        var samples = podContainers.stream().map(this::container).toList();
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

    /** Every container, states refreshed; what was kept for containers and pods that are gone is forgotten. */
    public List<ContainerRecord> containers() {
        var all = containers.list();
        var live = new java.util.HashSet<String>();
        for (var c : all) {
            live.add(c.id());
            live.add("pod:" + c.podId());
        }
        lastCpu.keySet().retainAll(live);
        sampled.keySet().stream().filter(id -> !live.contains(id)).toList().forEach(this::forget);
        layerUsage.keySet().retainAll(live);
        return all;
    }
}
