package jcri.runtime.oci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.util.List;
import jcri.api.CriException;
import jcri.api.v1.Device;
import jcri.runtime.oci.spec.Linux;
import jcri.runtime.oci.spec.Resources;
import org.junit.jupiter.api.Test;

class DeviceSectionTest {
    private final DeviceSection section = new DeviceSection(SpecFixture.DEVICES);

    private static Device device(String host, String container, String permissions) {
        return Device.newBuilder().setHostPath(host).setContainerPath(container).setPermissions(permissions).build();
    }

    @Test
    void eachRequestedDeviceIsCreatedAndAllowedWithItsPermissionsTheRestDenied() throws IOException {
        var devices = section.of(SpecFixture.container("c").addDevices(device("/dev/fuse", "/dev/fuse", "rw"))
                .addDevices(device("/dev/loop0", "", "")).build(), false);
        assertEquals(List.of(new Linux.Device("/dev/fuse", "c", 10, 229, 0666, 0, 0), new Linux.Device("/dev/loop0", "b", 7, 0, 0660, 0, 0)),
                devices.devices());
        assertEquals(List.of(new Resources.DeviceRule(false, null, null, null, "rwm"), new Resources.DeviceRule(true, "c", 10L, 229L, "rw"),
                new Resources.DeviceRule(true, "b", 7L, 0L, "rwm")), devices.rules());
    }

    @Test
    void theFirstDeviceForAPathWins() throws IOException {
        var devices = section.of(SpecFixture.container("c").addDevices(device("/dev/loop0", "/dev/xvda", ""))
                .addDevices(device("/dev/nvme0n1", "/dev/xvda", "")).build(), false);
        assertEquals(List.of(new Linux.Device("/dev/xvda", "b", 7, 0, 0660, 0, 0)), devices.devices());
        assertEquals(2, devices.rules().size());
    }

    @Test
    void aPrivilegedContainerGetsEveryNodeDeviceAndOneRuleAllowingAll() throws IOException {
        var devices = section.of(SpecFixture.container("c").build(), true);
        assertEquals(List.of("/dev/null", "/dev/fuse", "/dev/nvme0n1"), devices.devices().stream().map(Linux.Device::path).toList());
        assertEquals(List.of(new Resources.DeviceRule(true, null, null, null, "rwm")), devices.rules());
    }

    @Test
    void aDeviceTheNodeLacksIsRefused() {
        assertThrows(CriException.class, () -> section.of(SpecFixture.container("c").addDevices(device("/dev/nvidia0", "", "")).build(), false));
    }
}
