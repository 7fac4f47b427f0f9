package jcri.runtime.cri;

import jcri.runtime.info.BuildInfo;
import jcri.runtime.info.PodCidr;
import jcri.runtime.info.OciRuntimeFeatures;
import jcri.runtime.info.RuntimeConditions;

import io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import jcri.api.Rpc;
import jcri.api.v1.CgroupDriver;
import jcri.api.v1.LinuxRuntimeConfiguration;
import jcri.api.v1.RuntimeCondition;
import jcri.api.v1.RuntimeConfigRequest;
import jcri.api.v1.RuntimeConfigResponse;
import jcri.api.v1.RuntimeHandler;
import jcri.api.v1.RuntimeFeatures;
import jcri.api.v1.RuntimeHandlerFeatures;
import jcri.api.v1.RuntimeServiceGrpc;
import jcri.api.v1.RuntimeStatus;
import jcri.api.v1.StatusRequest;
import jcri.api.v1.StatusResponse;
import jcri.api.v1.UpdateRuntimeConfigRequest;
import jcri.api.v1.UpdateRuntimeConfigResponse;
import jcri.api.v1.VersionRequest;
import jcri.api.v1.VersionResponse;

/** CRI handlers for Version, Status, RuntimeConfig and UpdateRuntimeConfig. */
public final class RuntimeInfoHandler implements RuntimeServiceGrpc.AsyncService {
    private final RuntimeConditions conditions;
    private final PodCidr podCidr;
    private final String cgroupDriver;
    private final String effectiveConfigJson;
    private final List<RuntimeHandler> handlers;
    private final String version = BuildInfo.version();

    /**
     * {@code handlers}: every configured runtime handler by name, with what its OCI runtime implements on this node;
     * {@code defaultHandler} is also listed under the empty name, which clients use for "no RuntimeClass".
     */
    public RuntimeInfoHandler(RuntimeConditions conditions, PodCidr podCidr, String cgroupDriver, String effectiveConfigJson,
                              Map<String, OciRuntimeFeatures> handlers, String defaultHandler) {
        this.conditions = conditions;
        this.podCidr = podCidr;
        this.cgroupDriver = cgroupDriver;
        this.effectiveConfigJson = effectiveConfigJson;
        var listed = new ArrayList<RuntimeHandler>();
        listed.add(handler("", handlers.get(defaultHandler)));
        new TreeMap<>(handlers).forEach((name, features) -> listed.add(handler(name, features)));
        this.handlers = List.copyOf(listed);
    }

    private static RuntimeHandler handler(String name, OciRuntimeFeatures features) {
        return RuntimeHandler.newBuilder().setName(name)
                .setFeatures(RuntimeHandlerFeatures.newBuilder().setRecursiveReadOnlyMounts(features.recursiveReadOnly())
                        .setUserNamespaces(features.userNamespaces()))
                .build();
    }

    @Override
    public void version(VersionRequest request, StreamObserver<VersionResponse> observer) {
        Rpc.unary(observer, () -> VersionResponse.newBuilder()
                .setVersion("0.1.0")
                .setRuntimeName("jcri")
                .setRuntimeVersion(version)
                .setRuntimeApiVersion("v1")
                .build());
    }

    @Override
    public void status(StatusRequest request, StreamObserver<StatusResponse> observer) {
        Rpc.unary(observer, () -> {
            var status = RuntimeStatus.newBuilder()
                    .addConditions(condition(conditions.runtime()))
                    .addConditions(condition(conditions.network()));
            var response = StatusResponse.newBuilder().setStatus(status).addAllRuntimeHandlers(handlers)
                    .setFeatures(RuntimeFeatures.newBuilder().setSupplementalGroupsPolicy(true));
            if (request.getVerbose()) {
                response.putInfo("config", effectiveConfigJson);
                response.putInfo("podCIDR", podCidr.get());
            }
            return response.build();
        });
    }

    @Override
    public void runtimeConfig(RuntimeConfigRequest request, StreamObserver<RuntimeConfigResponse> observer) {
        Rpc.unary(observer, () -> RuntimeConfigResponse.newBuilder()
                .setLinux(LinuxRuntimeConfiguration.newBuilder()
                        .setCgroupDriver(cgroupDriver.equals("systemd") ? CgroupDriver.SYSTEMD : CgroupDriver.CGROUPFS))
                .build());
    }

    @Override
    public void updateRuntimeConfig(UpdateRuntimeConfigRequest request, StreamObserver<UpdateRuntimeConfigResponse> observer) {
        Rpc.unary(observer, () -> {
            podCidr.set(request.getRuntimeConfig().getNetworkConfig().getPodCidr());
            return UpdateRuntimeConfigResponse.getDefaultInstance();
        });
    }

    private static RuntimeCondition condition(RuntimeConditions.Condition c) {
        return RuntimeCondition.newBuilder()
                .setType(c.type()).setStatus(c.ready()).setReason(c.reason()).setMessage(c.message()).build();
    }
}
