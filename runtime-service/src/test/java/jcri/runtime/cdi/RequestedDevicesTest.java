package jcri.runtime.cdi;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import jcri.api.v1.CDIDevice;
import jcri.api.v1.ContainerConfig;
import org.junit.jupiter.api.Test;

class RequestedDevicesTest {
    @Test
    void fieldThenAnnotationsInKeyOrderEachNameOnce() {
        var c = ContainerConfig.newBuilder()
                .addCDIDevices(CDIDevice.newBuilder().setName("vendor.com/gpu=0"))
                .addCDIDevices(CDIDevice.newBuilder().setName("vendor.com/gpu=1"))
                .putAnnotations("cdi.k8s.io/z-plugin", "vendor.com/nic=a")
                .putAnnotations("cdi.k8s.io/a-dra_claim", "vendor.com/gpu=1, vendor.com/gpu=2")
                .putAnnotations("io.kubernetes.cri.device", "vendor.com/gpu=9")
                .putAnnotations("cdi.k8s.io", "vendor.com/gpu=8")
                .build();
        assertEquals(List.of("vendor.com/gpu=0", "vendor.com/gpu=1", "vendor.com/gpu=2", "vendor.com/nic=a"), RequestedDevices.of(c));
    }

    @Test
    void noneWithoutFieldOrAnnotation() {
        assertEquals(List.of(), RequestedDevices.of(ContainerConfig.newBuilder().putAnnotations("app", "x").build()));
    }

    @Test
    void anEmptyEntryIsKeptToBeRefusedAsUnqualified() {
        var c = ContainerConfig.newBuilder().putAnnotations("cdi.k8s.io/x", "vendor.com/gpu=0,").build();
        assertEquals(List.of("vendor.com/gpu=0", ""), RequestedDevices.of(c));
    }
}
