package jcri.runtime.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Set;
import jcri.api.v1.PodSandboxConfig;
import jcri.api.v1.PodSandboxMetadata;
import jcri.runtime.cgroup.CgroupfsDriver;
import jcri.runtime.cgroup.PodCgroup;
import jcri.runtime.network.Cni;
import jcri.steps.Steps;
import jcri.store.JsonStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Start-up recovery: a CNI attachment that a crash left without a pod record is detached (its plugins get DEL),
 * one whose pod was recorded is kept. The plugin is a bash script that logs its calls.
 */
class SandboxRecoveryTest {
    private static final String RECORDED = "1".repeat(64);
    private static final String HALF_MADE = "2".repeat(64);

    @TempDir
    Path tmp;

    @Test
    void onlyAttachmentsWithoutAPodRecordAreDetached() throws Exception {
        var bin = Files.createDirectories(tmp.resolve("bin"));
        Files.writeString(bin.resolve("bridge"), """
                #!/bin/bash
                cat > /dev/null
                echo "$CNI_COMMAND $CNI_CONTAINERID" >> '%s'
                if [ "$CNI_COMMAND" = ADD ]; then echo '{"cniVersion":"1.0.0","ips":[{"address":"10.88.0.9/16"}]}'; fi
                """.formatted(tmp.resolve("calls.log")));
        Files.setPosixFilePermissions(bin.resolve("bridge"), PosixFilePermissions.fromString("rwxr-xr-x"));
        var conf = Files.createDirectories(tmp.resolve("net.d"));
        Files.writeString(conf.resolve("10-net.conflist"), "{\"cniVersion\":\"1.0.0\",\"name\":\"n\",\"plugins\":[{\"type\":\"bridge\"}]}");
        var cni = new Cni(conf, List.of(bin), tmp.resolve("state/cni"));
        var netns = Files.createFile(tmp.resolve("netns"));
        cni.add(RECORDED, netns, new Cni.PodArgs("a", "ns", "u1"), List.of());
        cni.add(HALF_MADE, netns, new Cni.PodArgs("b", "ns", "u2"), List.of()); // the crash came before its record was written
        var store = new JsonStore<>(tmp.resolve("state/sandboxes"), SandboxRecord.class);
        var config = PodSandboxConfig.newBuilder().setMetadata(PodSandboxMetadata.newBuilder().setName("a").setNamespace("ns").setUid("u1"));
        store.put(RECORDED, new SandboxRecord(RECORDED, config.build().toByteArray(), true, 1, "runc", List.of("10.88.0.9"),
                netns.toString(), "", "", "/jcri", 0));

        var manager = new SandboxManager(new SandboxManager.Settings(tmp.resolve("state"), Set.of("runc"), "runc", "/jcri", Set.of()), store,
                new NamespacePinner(), new PodFilesWriter(), cni, new PidNamespaceHolder(tmp.resolve("no-tini")),
                new PodCgroup(tmp.resolve("cgroup"), new CgroupfsDriver()), new Steps(new SimpleMeterRegistry(), ""));
        manager.recover();

        assertEquals(List.of("ADD " + RECORDED, "ADD " + HALF_MADE, "DEL " + HALF_MADE), Files.readAllLines(tmp.resolve("calls.log")));
        assertEquals(List.of(RECORDED), cni.attachedPods());
        assertTrue(manager.lookup(RECORDED).isPresent());
        assertTrue(manager.lookup(HALF_MADE).isEmpty());
    }
}
