package jcri.runtime.cri;

import io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import java.util.List;
import jcri.api.Rpc;
import jcri.api.v1.LinuxPodSandboxStatus;
import jcri.api.v1.ListPodSandboxRequest;
import jcri.api.v1.ListPodSandboxResponse;
import jcri.api.v1.Namespace;
import jcri.api.v1.PodIP;
import jcri.api.v1.PodSandbox;
import jcri.api.v1.PodSandboxFilter;
import jcri.api.v1.PodSandboxNetworkStatus;
import jcri.api.v1.PodSandboxState;
import jcri.api.v1.PodSandboxStatus;
import jcri.api.v1.PodSandboxStatusRequest;
import jcri.api.v1.PodSandboxStatusResponse;
import jcri.api.v1.RemovePodSandboxRequest;
import jcri.api.v1.RemovePodSandboxResponse;
import jcri.api.v1.RunPodSandboxRequest;
import jcri.api.v1.RunPodSandboxResponse;
import jcri.api.v1.RuntimeServiceGrpc;
import jcri.api.v1.StopPodSandboxRequest;
import jcri.api.v1.StopPodSandboxResponse;
import jcri.api.v1.StreamPodSandboxesRequest;
import jcri.api.v1.StreamPodSandboxesResponse;
import jcri.api.v1.UpdatePodSandboxResourcesRequest;
import jcri.api.v1.UpdatePodSandboxResourcesResponse;
import jcri.runtime.Filters;
import jcri.runtime.Times;
import jcri.runtime.pod.PodTeardown;
import jcri.runtime.sandbox.SandboxManager;
import jcri.runtime.sandbox.SandboxRecord;

/**
 * CRI handlers for RunPodSandbox, StopPodSandbox, RemovePodSandbox, PodSandboxStatus, ListPodSandbox,
 * StreamPodSandboxes and UpdatePodSandboxResources.
 */
public final class PodSandboxHandler implements RuntimeServiceGrpc.AsyncService {
    private final SandboxManager sandboxes;
    private final PodTeardown teardown;

    public PodSandboxHandler(SandboxManager sandboxes, PodTeardown teardown) {
        this.sandboxes = sandboxes;
        this.teardown = teardown;
    }

    @Override
    public void runPodSandbox(RunPodSandboxRequest request, StreamObserver<RunPodSandboxResponse> observer) {
        Rpc.unary(observer, () -> RunPodSandboxResponse.newBuilder()
                .setPodSandboxId(sandboxes.run(request.getConfig(), request.getRuntimeHandler())).build());
    }

    @Override
    public void stopPodSandbox(StopPodSandboxRequest request, StreamObserver<StopPodSandboxResponse> observer) {
        Rpc.unary(observer, () -> {
            teardown.stop(request.getPodSandboxId());
            return StopPodSandboxResponse.getDefaultInstance();
        });
    }

    @Override
    public void removePodSandbox(RemovePodSandboxRequest request, StreamObserver<RemovePodSandboxResponse> observer) {
        Rpc.unary(observer, () -> {
            teardown.remove(request.getPodSandboxId());
            return RemovePodSandboxResponse.getDefaultInstance();
        });
    }

    @Override
    public void updatePodSandboxResources(UpdatePodSandboxResourcesRequest request,
                                          StreamObserver<UpdatePodSandboxResourcesResponse> observer) {
        Rpc.unary(observer, () -> {
            sandboxes.updateResources(request.getPodSandboxId(), request.getOverhead(), request.getResources());
            return UpdatePodSandboxResourcesResponse.getDefaultInstance();
        });
    }

    @Override
    public void podSandboxStatus(PodSandboxStatusRequest request, StreamObserver<PodSandboxStatusResponse> observer) {
        Rpc.unary(observer, () -> {
            var record = sandboxes.get(request.getPodSandboxId());
            var response = PodSandboxStatusResponse.newBuilder().setStatus(toStatus(record)).setTimestamp(Times.now());
            if (request.getVerbose()) {
                response.putInfo("info", "{\"netns\":\"" + record.netns() + "\",\"ipcns\":\"" + record.ipcns()
                        + "\",\"utsns\":\"" + record.utsns() + "\",\"cgroupParent\":\"" + record.cgroupParent()
                        + "\",\"pidNamespaceHolder\":" + record.pidHolder() + "}");
            }
            return response.build();
        });
    }

    /** The CRI status of a pod. */
    public static PodSandboxStatus toStatus(SandboxRecord record) {
        var config = record.parsedConfig();
        var network = PodSandboxNetworkStatus.newBuilder();
        if (!record.ips().isEmpty()) {
            network.setIp(record.ips().getFirst());
            record.ips().stream().skip(1).forEach(ip -> network.addAdditionalIps(PodIP.newBuilder().setIp(ip)));
        }
        return PodSandboxStatus.newBuilder()
                .setId(record.id())
                .setMetadata(config.getMetadata())
                .setState(record.ready() ? PodSandboxState.SANDBOX_READY : PodSandboxState.SANDBOX_NOTREADY)
                .setCreatedAt(record.createdNanos())
                .setNetwork(network)
                .setLinux(LinuxPodSandboxStatus.newBuilder().setNamespaces(Namespace.newBuilder()
                        .setOptions(config.getLinux().getSecurityContext().getNamespaceOptions())))
                .putAllLabels(config.getLabelsMap())
                .putAllAnnotations(config.getAnnotationsMap())
                .setRuntimeHandler(record.handler())
                .build();
    }

    @Override
    public void listPodSandbox(ListPodSandboxRequest request, StreamObserver<ListPodSandboxResponse> observer) {
        Rpc.unary(observer, () -> ListPodSandboxResponse.newBuilder().addAllItems(list(request.getFilter())).build());
    }

    @Override
    public void streamPodSandboxes(StreamPodSandboxesRequest request, StreamObserver<StreamPodSandboxesResponse> observer) {
        Rpc.streamed(observer, () -> list(request.getFilter()),
                batch -> StreamPodSandboxesResponse.newBuilder().addAllPodSandboxes(batch).build());
    }

    private List<PodSandbox> list(PodSandboxFilter filter) {
        var out = new ArrayList<PodSandbox>();
        for (var record : sandboxes.list()) {
            var config = record.parsedConfig();
            var state = record.ready() ? PodSandboxState.SANDBOX_READY : PodSandboxState.SANDBOX_NOTREADY;
            if (!Filters.idMatches(filter.getId(), record.id())
                    || filter.hasState() && filter.getState().getState() != state
                    || !Filters.labelsMatch(filter.getLabelSelectorMap(), config.getLabelsMap())) {
                continue;
            }
            out.add(PodSandbox.newBuilder()
                    .setId(record.id())
                    .setMetadata(config.getMetadata())
                    .setState(state)
                    .setCreatedAt(record.createdNanos())
                    .putAllLabels(config.getLabelsMap())
                    .putAllAnnotations(config.getAnnotationsMap())
                    .setRuntimeHandler(record.handler())
                    .build());
        }
        return out;
    }
}
