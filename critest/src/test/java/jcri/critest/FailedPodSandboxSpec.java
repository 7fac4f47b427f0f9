package jcri.critest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import jcri.api.v1.LinuxPodSandboxConfig;
import jcri.api.v1.PodSandboxConfig;
import jcri.api.v1.PodSandboxMetadata;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A RunPodSandbox that fails undoes everything it did, whichever step failed, also when undoing one step fails the
 * same way (CNI DEL of a pod that CNI ADD refused): no mount, directory, record or lease is left, now or after a
 * restart. A jcrid of its own, whose files the leak check can see.
 */
class FailedPodSandboxSpec {
    private static final String CGROUP_PARENT = "critest-failed-pod-" + ProcessHandle.current().pid();
    private Path dir;

    @BeforeEach
    void dir() throws Exception {
        Assumptions.assumeFalse(Target.external(), "the leak check reads the daemon's own directories");
        dir = Scratch.dir("critest-failed-pod-");
        TestNetwork.forExtraDaemon(dir.resolve("net.d"), dir.resolve("ipam"));
    }

    @AfterAll
    static void removeCgroups() {
        Leaks.removeCgroup(CGROUP_PARENT);
    }

    private static PodSandboxConfig pod(String name, String uid) {
        return Pods.config(name).setMetadata(PodSandboxMetadata.newBuilder().setName(name).setNamespace("critest").setUid(uid))
                .setLinux(LinuxPodSandboxConfig.newBuilder().setCgroupParent("/" + CGROUP_PARENT)).build();
    }

    /**
     * Installs a network whose only plugin refuses ADD and then removes itself, so that every DEL fails as a plugin
     * that cannot be run fails (as one whose arguments are too long, the case first seen): the DEL that undoes the
     * failed ADD, and the one RunPodSandbox's own undo makes. Installed again, it lets the next start's sweep detach.
     */
    private void refusingPlugin() throws Exception {
        var plugin = Files.createDirectories(JcridProcess.cniBinDir(dir)).resolve("jcri-test-refuse");
        Files.writeString(plugin, """
                #!/bin/sh
                case "$CNI_COMMAND" in
                ADD) rm -f "$0"; echo '{"cniVersion":"1.0.0","code":11,"msg":"ADD refused by the test"}'; exit 1 ;;
                VERSION) echo '{"cniVersion":"1.0.0","supportedVersions":["0.4.0","1.0.0"]}' ;;
                esac
                """);
        Files.setPosixFilePermissions(plugin, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.writeString(dir.resolve("net.d/00-refuse.conflist"),
                "{\"cniVersion\":\"1.0.0\",\"name\":\"refuse\",\"plugins\":[{\"type\":\"jcri-test-refuse\"}]}");
    }

    @Test
    void aPodWhoseNetworkCannotBeUndoneLeavesOnlyTheAttachmentToRetry() throws Exception {
        refusingPlugin();
        try (var jcrid = JcridProcess.start(dir, ""); var cri = new CriClient(jcrid.endpoint())) {
            var e = assertThrows(StatusRuntimeException.class, () -> Pods.run(cri, pod("refused", "refused-1")));
            assertTrue(e.getStatus().getDescription().contains("ADD refused by the test"), e.getStatus().toString());
            var leaks = Leaks.find(cri, dir, CGROUP_PARENT);
            assertEquals(1, leaks.size(), "no mount, directory or record; only the attachment, to detach later: " + leaks);
            assertTrue(leaks.getFirst().startsWith("CNI cache entry"), leaks.toString());
        }
        refusingPlugin();
        try (var jcrid = JcridProcess.start(dir, ""); var cri = new CriClient(jcrid.endpoint())) {
            assertEquals(List.of(), Leaks.find(cri, dir, CGROUP_PARENT), "the next start's sweep detached it");
        }
    }

    @Test
    void controlCharactersInThePodsNameAreInvalidArgument() throws Exception {
        try (var jcrid = JcridProcess.start(dir, ""); var cri = new CriClient(jcrid.endpoint())) {
            var e = assertThrows(StatusRuntimeException.class, () -> Pods.run(cri, pod("nul\0name", "nul-1")));
            assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode(), e.getStatus().toString());
            assertEquals(List.of(), Leaks.find(cri, dir, CGROUP_PARENT));
        }
    }
}
