package jcri.runtime.cri;

import jcri.runtime.stats.StatsCollector;

import io.grpc.stub.StreamObserver;
import java.util.List;
import jcri.api.Rpc;
import jcri.api.v1.ListMetricDescriptorsRequest;
import jcri.api.v1.ListMetricDescriptorsResponse;
import jcri.api.v1.ListPodSandboxMetricsRequest;
import jcri.api.v1.ListPodSandboxMetricsResponse;
import jcri.api.v1.PodSandboxMetrics;
import jcri.api.v1.RuntimeServiceGrpc;
import jcri.api.v1.StreamPodSandboxMetricsRequest;
import jcri.api.v1.StreamPodSandboxMetricsResponse;
import jcri.runtime.sandbox.SandboxManager;

/** CRI handlers for ListMetricDescriptors, ListPodSandboxMetrics and StreamPodSandboxMetrics (cAdvisor-named metrics). */
public final class MetricsHandler implements RuntimeServiceGrpc.AsyncService {
    private final StatsCollector stats;
    private final SandboxManager sandboxes;

    public MetricsHandler(StatsCollector stats, SandboxManager sandboxes) {
        this.stats = stats;
        this.sandboxes = sandboxes;
    }

    @Override
    public void listMetricDescriptors(ListMetricDescriptorsRequest request, StreamObserver<ListMetricDescriptorsResponse> observer) {
        Rpc.unary(observer, () -> ListMetricDescriptorsResponse.newBuilder().addAllDescriptors(PodMetrics.descriptors()).build());
    }

    @Override
    public void listPodSandboxMetrics(ListPodSandboxMetricsRequest request, StreamObserver<ListPodSandboxMetricsResponse> observer) {
        Rpc.unary(observer, () -> ListPodSandboxMetricsResponse.newBuilder().addAllPodMetrics(all()).build());
    }

    @Override
    public void streamPodSandboxMetrics(StreamPodSandboxMetricsRequest request, StreamObserver<StreamPodSandboxMetricsResponse> observer) {
        Rpc.streamed(observer, this::all, batch -> StreamPodSandboxMetricsResponse.newBuilder().addAllPodSandboxMetrics(batch).build());
    }

    /** Metrics of every ready pod (a stopped pod has nothing running to measure). */
    private List<PodSandboxMetrics> all() {
        var byPod = StatsCollector.byPod(stats.containers());
        return sandboxes.list().stream().filter(p -> p.ready())
                .map(p -> PodMetrics.of(p, stats.pod(p.id(), byPod.getOrDefault(p.id(), List.of())))).toList();
    }
}
