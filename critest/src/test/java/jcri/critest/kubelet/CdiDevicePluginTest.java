package jcri.critest.kubelet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import jcri.api.testing.Recorder;
import jcri.critest.deviceplugin.v1beta1.AllocateRequest;
import jcri.critest.deviceplugin.v1beta1.AllocateResponse;
import jcri.critest.deviceplugin.v1beta1.CDIDevice;
import jcri.critest.deviceplugin.v1beta1.ContainerAllocateRequest;
import jcri.critest.deviceplugin.v1beta1.Device;
import jcri.critest.deviceplugin.v1beta1.DevicePluginOptions;
import jcri.critest.deviceplugin.v1beta1.Empty;
import jcri.critest.deviceplugin.v1beta1.ListAndWatchResponse;
import org.junit.jupiter.api.Test;

class CdiDevicePluginTest {
    private final CdiDevicePlugin plugin = new CdiDevicePlugin("vendor.example/gpu", List.of("a", "b", "c"));

    @Test
    void listsEveryDeviceHealthyAndKeepsTheStreamOpenUntilItsWatchesEnd() {
        var watch = new Recorder<ListAndWatchResponse>();
        plugin.listAndWatch(Empty.getDefaultInstance(), watch);
        assertEquals(List.of(ListAndWatchResponse.newBuilder()
                .addDevices(Device.newBuilder().setID("a").setHealth("Healthy"))
                .addDevices(Device.newBuilder().setID("b").setHealth("Healthy"))
                .addDevices(Device.newBuilder().setID("c").setHealth("Healthy")).build()), watch.values());
        assertFalse(watch.completed());
        plugin.endWatches();
        assertTrue(watch.completed());
    }

    @Test
    void answersEachContainerWithTheCdiNamesOfItsDevicesOnlyAndRemembersThem() {
        var answer = new Recorder<AllocateResponse>();
        plugin.allocate(AllocateRequest.newBuilder()
                .addContainerRequests(ContainerAllocateRequest.newBuilder().addDevicesIds("b"))
                .addContainerRequests(ContainerAllocateRequest.newBuilder().addDevicesIds("a").addDevicesIds("c")).build(), answer);
        var containers = answer.single().getContainerResponsesList();
        assertEquals(List.of(List.of(cdi("vendor.example/gpu=b")), List.of(cdi("vendor.example/gpu=a"), cdi("vendor.example/gpu=c"))),
                containers.stream().map(c -> c.getCdiDevicesList()).toList());
        assertTrue(containers.stream().allMatch(c -> c.getEnvsCount() + c.getMountsCount() + c.getDevicesCount() + c.getAnnotationsCount() == 0),
                "nothing but CDI names: " + containers);
        assertEquals(List.of(List.of("b"), List.of("a", "c")), plugin.allocations());
    }

    @Test
    void asksForNeitherOptionalCall() {
        var options = new Recorder<DevicePluginOptions>();
        plugin.getDevicePluginOptions(Empty.getDefaultInstance(), options);
        assertEquals(DevicePluginOptions.getDefaultInstance(), options.single());
    }

    private static CDIDevice cdi(String name) {
        return CDIDevice.newBuilder().setName(name).build();
    }
}
