package jcri.critest.kubelet;

import io.grpc.stub.StreamObserver;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import jcri.critest.deviceplugin.v1beta1.AllocateRequest;
import jcri.critest.deviceplugin.v1beta1.AllocateResponse;
import jcri.critest.deviceplugin.v1beta1.CDIDevice;
import jcri.critest.deviceplugin.v1beta1.ContainerAllocateResponse;
import jcri.critest.deviceplugin.v1beta1.Device;
import jcri.critest.deviceplugin.v1beta1.DevicePluginGrpc;
import jcri.critest.deviceplugin.v1beta1.DevicePluginOptions;
import jcri.critest.deviceplugin.v1beta1.Empty;
import jcri.critest.deviceplugin.v1beta1.ListAndWatchResponse;

/**
 * A kubelet device plugin whose devices are CDI devices: it lists devices {@code ids}, all healthy, once and keeps the
 * stream open, and answers each container's allocation with the CDI names of the devices the kubelet picked
 * ({@code <kind>=<id>}) and nothing else, so the runtime makes all of a device's edits from its CDI spec. It asks for
 * neither optional call and remembers the device ids of every allocation.
 */
final class CdiDevicePlugin extends DevicePluginGrpc.DevicePluginImplBase {
    private final String kind;
    private final List<String> ids;
    private final List<List<String>> allocations = new CopyOnWriteArrayList<>();
    private final List<StreamObserver<ListAndWatchResponse>> watches = new CopyOnWriteArrayList<>();

    /** Devices {@code ids} of CDI kind {@code kind} ({@code vendor/class}). */
    CdiDevicePlugin(String kind, List<String> ids) {
        this.kind = kind;
        this.ids = List.copyOf(ids);
    }

    List<String> ids() {
        return ids;
    }

    /** The device ids of each container's allocation so far, in the kubelet's order. */
    List<List<String>> allocations() {
        return List.copyOf(allocations);
    }

    /** The CDI name of device {@code id}. */
    String cdiName(String id) {
        return kind + "=" + id;
    }

    @Override
    public void getDevicePluginOptions(Empty request, StreamObserver<DevicePluginOptions> response) {
        response.onNext(DevicePluginOptions.getDefaultInstance());
        response.onCompleted();
    }

    @Override
    public void listAndWatch(Empty request, StreamObserver<ListAndWatchResponse> response) {
        var list = ListAndWatchResponse.newBuilder();
        ids.forEach(id -> list.addDevices(Device.newBuilder().setID(id).setHealth("Healthy")));
        response.onNext(list.build());
        watches.add(response);
    }

    /** Ends the kubelet's {@code ListAndWatch} streams, as a plugin that exits does. */
    void endWatches() {
        watches.forEach(StreamObserver::onCompleted);
        watches.clear();
    }

    @Override
    public void allocate(AllocateRequest request, StreamObserver<AllocateResponse> response) {
        var answer = AllocateResponse.newBuilder();
        for (var container : request.getContainerRequestsList()) {
            allocations.add(List.copyOf(container.getDevicesIdsList()));
            var devices = ContainerAllocateResponse.newBuilder();
            container.getDevicesIdsList().forEach(id -> devices.addCdiDevices(CDIDevice.newBuilder().setName(cdiName(id))));
            answer.addContainerResponses(devices);
        }
        response.onNext(answer.build());
        response.onCompleted();
    }
}
