package jcri.runtime.cri;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.grpc.stub.StreamObserver;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import jcri.api.Rpc;
import jcri.api.v1.Container;
import jcri.api.v1.ContainerFilter;
import jcri.api.v1.ContainerResources;
import jcri.api.v1.ContainerState;
import jcri.api.v1.ContainerStatus;
import jcri.api.v1.ContainerStatusRequest;
import jcri.api.v1.ContainerStatusResponse;
import jcri.api.v1.ContainerUser;
import jcri.api.v1.CreateContainerRequest;
import jcri.api.v1.CreateContainerResponse;
import jcri.api.v1.ImageSpec;
import jcri.api.v1.LinuxContainerUser;
import jcri.api.v1.ListContainersRequest;
import jcri.api.v1.ListContainersResponse;
import jcri.api.v1.RemoveContainerRequest;
import jcri.api.v1.RemoveContainerResponse;
import jcri.api.v1.ReopenContainerLogRequest;
import jcri.api.v1.ReopenContainerLogResponse;
import jcri.api.v1.RuntimeServiceGrpc;
import jcri.api.v1.StartContainerRequest;
import jcri.api.v1.StartContainerResponse;
import jcri.api.v1.StopContainerRequest;
import jcri.api.v1.StopContainerResponse;
import jcri.api.v1.StreamContainersRequest;
import jcri.api.v1.StreamContainersResponse;
import jcri.api.v1.UpdateContainerResourcesRequest;
import jcri.api.v1.UpdateContainerResourcesResponse;
import jcri.runtime.Filters;
import jcri.runtime.container.ContainerManager;
import jcri.runtime.container.ContainerRecord;
import jcri.runtime.container.StopSignals;
import jcri.runtime.oci.spec.Process;

/**
 * CRI handlers for CreateContainer, StartContainer, StopContainer, RemoveContainer,
 * ContainerStatus, ListContainers, UpdateContainerResources and ReopenContainerLog.
 */
public final class ContainerHandler implements RuntimeServiceGrpc.AsyncService {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final ContainerManager containers;

    public ContainerHandler(ContainerManager containers) {
        this.containers = containers;
    }

    @Override
    public void createContainer(CreateContainerRequest request, StreamObserver<CreateContainerResponse> observer) {
        Rpc.unary(observer, () -> CreateContainerResponse.newBuilder()
                .setContainerId(containers.create(request.getPodSandboxId(), request.getConfig())).build());
    }

    @Override
    public void startContainer(StartContainerRequest request, StreamObserver<StartContainerResponse> observer) {
        Rpc.unary(observer, () -> {
            containers.start(containers.get(request.getContainerId()).id());
            return StartContainerResponse.getDefaultInstance();
        });
    }

    @Override
    public void stopContainer(StopContainerRequest request, StreamObserver<StopContainerResponse> observer) {
        Rpc.unary(observer, () -> {
            var container = containers.lookup(request.getContainerId()); // an unknown one is stopped already (critest 1.32)
            if (container.isPresent()) {
                containers.stop(container.get().id(), Math.max(0, request.getTimeout()));
            }
            return StopContainerResponse.getDefaultInstance();
        });
    }

    @Override
    public void removeContainer(RemoveContainerRequest request, StreamObserver<RemoveContainerResponse> observer) {
        Rpc.unary(observer, () -> {
            containers.remove(request.getContainerId());
            return RemoveContainerResponse.getDefaultInstance();
        });
    }

    @Override
    public void containerStatus(ContainerStatusRequest request, StreamObserver<ContainerStatusResponse> observer) {
        Rpc.unary(observer, () -> {
            var record = containers.get(request.getContainerId());
            var response = ContainerStatusResponse.newBuilder().setStatus(toStatus(record));
            if (request.getVerbose()) {
                var info = JSON.createObjectNode().put("pid", record.pid()).put("sandboxID", record.podId())
                        .put("runtimeHandler", record.handler());
                var spec = containers.bundle(record.id()).resolve("config.json");
                if (Files.exists(spec)) {
                    info.set("runtimeSpec", JSON.readTree(spec.toFile()));
                }
                response.putInfo("info", info.toString());
            }
            return response.build();
        });
    }

    @Override
    public void listContainers(ListContainersRequest request, StreamObserver<ListContainersResponse> observer) {
        Rpc.unary(observer, () -> ListContainersResponse.newBuilder().addAllContainers(list(request.getFilter())).build());
    }

    @Override
    public void streamContainers(StreamContainersRequest request, StreamObserver<StreamContainersResponse> observer) {
        Rpc.streamed(observer, () -> list(request.getFilter()),
                batch -> StreamContainersResponse.newBuilder().addAllContainers(batch).build());
    }

    private List<Container> list(ContainerFilter filter) {
        var out = new ArrayList<Container>();
        for (var record : containers.list()) {
            var config = record.parsedConfig();
            var state = state(record);
            if (!Filters.idMatches(filter.getId(), record.id())
                    || !Filters.idMatches(filter.getPodSandboxId(), record.podId())
                    || filter.hasState() && filter.getState().getState() != state
                    || !Filters.labelsMatch(filter.getLabelSelectorMap(), config.getLabelsMap())) {
                continue;
            }
            out.add(Container.newBuilder()
                    .setId(record.id())
                    .setPodSandboxId(record.podId())
                    .setMetadata(config.getMetadata())
                    .setImage(ImageSpec.newBuilder().setImage(record.imageRef()))
                    .setImageRef(record.imageId())
                    .setImageId(record.imageId())
                    .setState(state)
                    .setCreatedAt(record.createdNanos())
                    .putAllLabels(config.getLabelsMap())
                    .putAllAnnotations(config.getAnnotationsMap())
                    .build());
        }
        return out;
    }

    @Override
    public void updateContainerResources(UpdateContainerResourcesRequest request,
                                         StreamObserver<UpdateContainerResourcesResponse> observer) {
        Rpc.unary(observer, () -> {
            containers.updateResources(containers.get(request.getContainerId()).id(), request.getLinux());
            return UpdateContainerResourcesResponse.getDefaultInstance();
        });
    }

    @Override
    public void reopenContainerLog(ReopenContainerLogRequest request, StreamObserver<ReopenContainerLogResponse> observer) {
        Rpc.unary(observer, () -> {
            containers.reopenLog(request.getContainerId());
            return ReopenContainerLogResponse.getDefaultInstance();
        });
    }

    /** The CRI status of a container. */
    public static ContainerStatus toStatus(ContainerRecord record) {
        var config = record.parsedConfig();
        return ContainerStatus.newBuilder()
                .setId(record.id())
                .setMetadata(config.getMetadata())
                .setState(state(record))
                .setCreatedAt(record.createdNanos())
                .setStartedAt(record.startedNanos())
                .setFinishedAt(record.finishedNanos())
                .setExitCode(record.exitCode())
                .setImage(ImageSpec.newBuilder().setImage(record.imageRef()))
                .setImageRef(record.imageId())
                .setImageId(record.imageId())
                .setReason(record.reason())
                .setMessage(record.message())
                .putAllLabels(config.getLabelsMap())
                .putAllAnnotations(config.getAnnotationsMap())
                .addAllMounts(config.getMountsList())
                .setUser(user(record.user()))
                .setStopSignal(StopSignals.forStatus(record.stopSignal()))
                .setResources(ContainerResources.newBuilder().setLinux(record.linuxResources()))
                .setLogPath(record.logPath())
                .build();
    }

    private static ContainerState state(ContainerRecord record) {
        return switch (record.state()) {
            case CREATED -> ContainerState.CONTAINER_CREATED;
            case RUNNING -> ContainerState.CONTAINER_RUNNING;
            case EXITED -> ContainerState.CONTAINER_EXITED;
        };
    }

    /** The identity the container's process runs with; its groups, as id -G shows them, start with the primary one. */
    private static ContainerUser user(Process.User user) {
        if (user == null) {
            return ContainerUser.getDefaultInstance();
        }
        var groups = new LinkedHashSet<Long>();
        groups.add(user.gid());
        if (user.additionalGids() != null) {
            groups.addAll(user.additionalGids());
        }
        return ContainerUser.newBuilder().setLinux(LinuxContainerUser.newBuilder().setUid(user.uid()).setGid(user.gid())
                .addAllSupplementalGroups(groups)).build();
    }
}
