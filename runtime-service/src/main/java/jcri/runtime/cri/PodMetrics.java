package jcri.runtime.cri;

import jcri.runtime.cgroup.CgroupStats;
import jcri.runtime.stats.StatsCollector;
import jcri.runtime.stats.NetDev;

import java.util.ArrayList;
import java.util.List;
import java.util.function.ToLongFunction;
import jcri.api.v1.ContainerMetrics;
import jcri.api.v1.Metric;
import jcri.api.v1.MetricDescriptor;
import jcri.api.v1.MetricType;
import jcri.api.v1.PodSandboxMetrics;
import jcri.api.v1.UInt64Value;
import jcri.runtime.sandbox.SandboxRecord;

/**
 * A pod's stats sample as CRI metrics named and labelled the way cAdvisor exports them, so the
 * kubelet's {@code /metrics/cadvisor} reads the same series whether it gets them from cAdvisor or
 * from jcri. Every metric carries the labels container, id, image, name, namespace and pod;
 * network metrics (pod-level, container "POD") add interface.
 */
final class PodMetrics {
    static final List<String> LABELS = List.of("container", "id", "image", "name", "namespace", "pod");
    static final List<String> NETWORK_LABELS = List.of("container", "id", "image", "name", "namespace", "pod", "interface");

    private record ContainerMetric(String name, String help, MetricType type, ToLongFunction<StatsCollector.ContainerSample> value) {
    }

    private record NetworkMetric(String name, String help, ToLongFunction<NetDev.Interface> value) {
    }

    private static final List<ContainerMetric> CONTAINER = List.of(
            new ContainerMetric("container_cpu_usage_seconds_total", "Cumulative CPU time consumed, in seconds.",
                    MetricType.COUNTER, s -> cgroup(s).cpuNanos() / 1_000_000_000L),
            new ContainerMetric("container_memory_usage_bytes", "Current memory usage, page cache included, in bytes.",
                    MetricType.GAUGE, s -> cgroup(s).memoryUsage()),
            new ContainerMetric("container_memory_working_set_bytes", "Current working set (usage less inactive file pages), in bytes.",
                    MetricType.GAUGE, s -> cgroup(s).workingSet()),
            new ContainerMetric("container_memory_rss", "Size of anonymous memory, in bytes.",
                    MetricType.GAUGE, s -> cgroup(s).rss()),
            new ContainerMetric("container_spec_memory_limit_bytes", "Memory limit of the container, 0 when unlimited.",
                    MetricType.GAUGE, s -> cgroup(s).memoryLimit()),
            new ContainerMetric("container_processes", "Number of processes running in the container.",
                    MetricType.GAUGE, s -> cgroup(s).processes()),
            new ContainerMetric("container_fs_usage_bytes", "Bytes used by the container's writable layer.",
                    MetricType.GAUGE, s -> s.writableLayer().bytes()),
            new ContainerMetric("container_fs_inodes_usage", "Inodes used by the container's writable layer.",
                    MetricType.GAUGE, s -> s.writableLayer().inodes()));

    private static final List<NetworkMetric> NETWORK = List.of(
            new NetworkMetric("container_network_receive_bytes_total", "Cumulative bytes received.", NetDev.Interface::rxBytes),
            new NetworkMetric("container_network_receive_errors_total", "Cumulative errors while receiving.", NetDev.Interface::rxErrors),
            new NetworkMetric("container_network_transmit_bytes_total", "Cumulative bytes transmitted.", NetDev.Interface::txBytes),
            new NetworkMetric("container_network_transmit_errors_total", "Cumulative errors while transmitting.", NetDev.Interface::txErrors));

    private PodMetrics() {
    }

    static List<MetricDescriptor> descriptors() {
        var out = new ArrayList<MetricDescriptor>();
        CONTAINER.forEach(m -> out.add(MetricDescriptor.newBuilder().setName(m.name()).setHelp(m.help()).addAllLabelKeys(LABELS).build()));
        NETWORK.forEach(m -> out.add(MetricDescriptor.newBuilder().setName(m.name()).setHelp(m.help())
                .addAllLabelKeys(NETWORK_LABELS).build()));
        return out;
    }

    static PodSandboxMetrics of(SandboxRecord pod, StatsCollector.PodSample sample) {
        var meta = pod.parsedConfig().getMetadata();
        var result = PodSandboxMetrics.newBuilder().setPodSandboxId(pod.id());
        for (var i : sample.network()) {
            var labels = List.of("POD", pod.id(), "", "k8s_POD_" + meta.getName() + "_" + meta.getNamespace(), meta.getNamespace(),
                    meta.getName(), i.name());
            NETWORK.forEach(m -> result.addMetrics(metric(m.name(), MetricType.COUNTER, sample.timestamp(), labels, m.value().applyAsLong(i))));
        }
        for (var c : sample.containers()) {
            if (c.cgroup().isEmpty()) {
                continue; // only running containers have a cgroup to report
            }
            var config = c.container().parsedConfig();
            var labels = List.of(config.getMetadata().getName(), c.container().id(), config.getImage().getImage(),
                    "k8s_" + config.getMetadata().getName() + "_" + meta.getName() + "_" + meta.getNamespace(),
                    meta.getNamespace(), meta.getName());
            var metrics = ContainerMetrics.newBuilder().setContainerId(c.container().id());
            CONTAINER.forEach(m -> metrics.addMetrics(metric(m.name(), m.type(), c.timestamp(), labels, m.value().applyAsLong(c))));
            result.addContainerMetrics(metrics);
        }
        return result.build();
    }

    private static CgroupStats cgroup(StatsCollector.ContainerSample sample) {
        return sample.cgroup().orElse(CgroupStats.ZERO);
    }

    private static Metric metric(String name, MetricType type, long timestamp, List<String> labels, long value) {
        return Metric.newBuilder().setName(name).setMetricType(type).setTimestamp(timestamp).addAllLabelValues(labels)
                .setValue(UInt64Value.newBuilder().setValue(Math.max(0, value))).build();
    }
}
