package jcri.critest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jcri.api.v1.RuntimeConfigRequest;
import jcri.api.v1.StatusRequest;
import jcri.api.v1.VersionRequest;
import org.junit.jupiter.api.Test;

/** critest "runtime info": Version, Status, RuntimeConfig over the socket. */
class RuntimeInfoSpec {
    private final CriClient cri = Target.client();

    @Test
    void versionNamesRuntimeAndApi() {
        var version = cri.runtime().version(VersionRequest.newBuilder().setVersion("v1").build());
        assertEquals("v1", version.getRuntimeApiVersion());
        assertFalse(version.getRuntimeName().isEmpty());
        assertFalse(version.getRuntimeVersion().isEmpty());
        if (!Target.external()) {
            assertEquals("jcri", version.getRuntimeName());
            assertTrue(version.getRuntimeVersion().matches("\\d+\\.\\d+\\.\\d+.*"), version.getRuntimeVersion());
        }
    }

    @Test
    void statusReportsRuntimeAndNetworkConditions() {
        var status = cri.runtime().status(StatusRequest.getDefaultInstance()).getStatus();
        var types = status.getConditionsList().stream().map(c -> c.getType()).toList();
        assertTrue(types.contains("RuntimeReady"), types.toString());
        assertTrue(types.contains("NetworkReady"), types.toString());
        var runtime = status.getConditionsList().stream().filter(c -> c.getType().equals("RuntimeReady")).findFirst().orElseThrow();
        assertTrue(runtime.getStatus(), "runtime not ready: " + runtime.getMessage());
    }

    @Test
    void statusListsEveryRuntimeHandlerWithWhatItImplements() {
        var handlers = cri.runtime().status(StatusRequest.getDefaultInstance()).getRuntimeHandlersList();
        var names = handlers.stream().map(h -> h.getName()).toList();
        assertTrue(names.contains(""), "the default handler is listed under the empty name: " + names);
        if (!Target.external()) {
            assertTrue(names.contains("runc"), names.toString());
            // runc 1.1.5 lists rro among its mount options, and Linux 5.12+ has mount_setattr(2)
            handlers.forEach(h -> assertTrue(h.getFeatures().getRecursiveReadOnlyMounts(), h.toString()));
            // Linux 5.19+ ID-maps the image layers' file system (ext4 here), and runc joins the pod's user namespace
            handlers.forEach(h -> assertTrue(h.getFeatures().getUserNamespaces(), h.toString()));
        }
    }

    @Test
    void runtimeConfigGivesTheCgroupDriver() {
        var config = Target.assumeImplemented(() -> cri.runtime().runtimeConfig(RuntimeConfigRequest.getDefaultInstance()));
        assertTrue(config.hasLinux());
    }
}
