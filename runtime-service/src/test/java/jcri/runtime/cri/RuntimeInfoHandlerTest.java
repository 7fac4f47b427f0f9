package jcri.runtime.cri;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import jcri.api.testing.Recorder;
import jcri.api.v1.CgroupDriver;
import jcri.api.v1.NetworkConfig;
import jcri.api.v1.RuntimeConfig;
import jcri.api.v1.RuntimeConfigRequest;
import jcri.api.v1.RuntimeConfigResponse;
import jcri.api.v1.StatusRequest;
import jcri.api.v1.StatusResponse;
import jcri.api.v1.UpdateRuntimeConfigRequest;
import jcri.api.v1.UpdateRuntimeConfigResponse;
import jcri.api.v1.VersionRequest;
import jcri.api.v1.VersionResponse;
import jcri.runtime.info.OciRuntimeFeatures;
import jcri.runtime.info.PodCidr;
import jcri.runtime.info.RuntimeConditions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Version, Status, RuntimeConfig and UpdateRuntimeConfig over real {@link RuntimeConditions} on a temp dir. */
class RuntimeInfoHandlerTest {
    @TempDir
    Path tmp;
    private final PodCidr cidr = new PodCidr();

    private RuntimeInfoHandler handler(String cgroupDriver) {
        return new RuntimeInfoHandler(new RuntimeConditions(tmp.resolve("runc"), tmp.resolve("net.d")), cidr, cgroupDriver,
                "{\"root\":\"/var/lib/jcri\"}", java.util.Map.of("runc", new OciRuntimeFeatures(java.util.Set.of("rro")),
                        "crun", new OciRuntimeFeatures(java.util.Set.of())), "crun");
    }

    private StatusResponse status(RuntimeInfoHandler handler, boolean verbose) {
        var r = new Recorder<StatusResponse>();
        handler.status(StatusRequest.newBuilder().setVerbose(verbose).build(), r);
        return r.single();
    }

    @Test
    void versionNamesTheRuntimeAndTheCriApi() {
        var r = new Recorder<VersionResponse>();
        handler("cgroupfs").version(VersionRequest.getDefaultInstance(), r);
        var version = r.single();
        assertEquals("jcri", version.getRuntimeName());
        assertEquals("v1", version.getRuntimeApiVersion());
        assertFalse(version.getRuntimeVersion().isEmpty());
    }

    @Test
    void statusReportsBothConditionsWithReasonsWhenNotReady() {
        var conditions = status(handler("cgroupfs"), false).getStatus().getConditionsList();
        assertEquals(List.of("RuntimeReady", "NetworkReady"), conditions.stream().map(c -> c.getType()).toList());
        assertEquals(List.of(false, false), conditions.stream().map(c -> c.getStatus()).toList());
        assertEquals(List.of("RuntimeBinaryMissing", "NetworkPluginNotReady"), conditions.stream().map(c -> c.getReason()).toList());
    }

    @Test
    void statusIsReadyOnceTheRuntimeAndANetworkConfigAreThere() throws Exception {
        Files.writeString(tmp.resolve("runc"), "#!/bin/sh\n");
        Files.setPosixFilePermissions(tmp.resolve("runc"), PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.createDirectories(tmp.resolve("net.d"));
        Files.writeString(tmp.resolve("net.d/10-net.conflist"), "{}");

        var conditions = status(handler("cgroupfs"), false).getStatus().getConditionsList();
        assertTrue(conditions.stream().allMatch(c -> c.getStatus() && c.getReason().isEmpty()), conditions.toString());
    }

    @Test
    void verboseStatusCarriesTheConfigAndThePodCidrTheKubeletSet() {
        var handler = handler("cgroupfs");
        assertTrue(status(handler, false).getInfoMap().isEmpty());
        var update = new Recorder<UpdateRuntimeConfigResponse>();
        handler.updateRuntimeConfig(UpdateRuntimeConfigRequest.newBuilder().setRuntimeConfig(RuntimeConfig.newBuilder()
                .setNetworkConfig(NetworkConfig.newBuilder().setPodCidr("10.244.1.0/24"))).build(), update);
        update.single();

        var info = status(handler, true).getInfoMap();
        assertEquals("10.244.1.0/24", info.get("podCIDR"));
        assertEquals("{\"root\":\"/var/lib/jcri\"}", info.get("config"));
    }

    @Test
    void statusListsEveryHandlerByNameAndTheDefaultUnderTheEmptyName() {
        var handlers = status(handler("cgroupfs"), false).getRuntimeHandlersList();
        assertEquals(List.of("", "crun", "runc"), handlers.stream().map(h -> h.getName()).toList());
        assertEquals(List.of(false, false, true), handlers.stream().map(h -> h.getFeatures().getRecursiveReadOnlyMounts()).toList(),
                "the empty name has the default handler's (crun's) features");
    }

    @Test
    void runtimeConfigReportsTheConfiguredCgroupDriver() {
        for (var driver : List.of("systemd", "cgroupfs")) {
            var r = new Recorder<RuntimeConfigResponse>();
            handler(driver).runtimeConfig(RuntimeConfigRequest.getDefaultInstance(), r);
            assertEquals(driver.equals("systemd") ? CgroupDriver.SYSTEMD : CgroupDriver.CGROUPFS, r.single().getLinux().getCgroupDriver());
        }
    }
}
