package jcri.critest.kubelet;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DevicePluginServerTest {
    @TempDir
    Path dir;

    @Test
    void theCheckpointNamesTheDevicesTheKubeletListedPerResource() throws Exception {
        var checkpoint = dir.resolve("kubelet_internal_checkpoint");
        Files.writeString(checkpoint, """
                {"Data":{"PodDeviceEntries":null,"RegisteredDevices":{"vendor.example/gpu":["b","a"],"other.example/fpga":["x"]}},
                 "Checksum":1234}
                """);
        assertEquals(List.of("b", "a"), DevicePluginServer.listed(checkpoint, "vendor.example/gpu"));
        assertEquals(List.of(), DevicePluginServer.listed(checkpoint, "vendor.example/nic"));
    }

    @Test
    void noCheckpointNamesNoDevice() throws Exception {
        assertEquals(List.of(), DevicePluginServer.listed(dir.resolve("kubelet_internal_checkpoint"), "vendor.example/gpu"));
    }
}
