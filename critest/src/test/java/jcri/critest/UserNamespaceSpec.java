package jcri.critest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import jcri.api.v1.ContainerStatusRequest;
import jcri.api.v1.ExecSyncRequest;
import jcri.api.v1.IDMapping;
import jcri.api.v1.LinuxPodSandboxConfig;
import jcri.api.v1.LinuxSandboxSecurityContext;
import jcri.api.v1.ListContainersRequest;
import jcri.api.v1.ListPodSandboxRequest;
import jcri.api.v1.Mount;
import jcri.api.v1.NamespaceMode;
import jcri.api.v1.NamespaceOption;
import jcri.api.v1.PodSandboxConfig;
import jcri.api.v1.UserNamespace;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Pods in user namespaces of their own ({@code hostUsers: false}): the pod's root is an unprivileged host user of its
 * mapping, the image and the volumes the kubelet maps belong to it, the pod's namespaces belong to its user namespace,
 * and all of it survives a restart of jcrid and goes with the pod.
 */
class UserNamespaceSpec {
    private static final int HOST_ID = 200000;
    private static final IDMapping MAPPING = IDMapping.newBuilder().setContainerId(0).setHostId(HOST_ID).setLength(65536).build();
    private final CriClient cri = Target.client();
    private final List<String> pods = new ArrayList<>();

    @AfterEach
    void cleanUp() {
        pods.forEach(p -> Pods.destroy(cri, p));
    }

    private static PodSandboxConfig userNamespacePod(String name) {
        return Pods.config(name).setLinux(LinuxPodSandboxConfig.newBuilder().setSecurityContext(LinuxSandboxSecurityContext.newBuilder()
                .setNamespaceOptions(NamespaceOption.newBuilder().setUsernsOptions(UserNamespace.newBuilder()
                        .setMode(NamespaceMode.POD).addUids(MAPPING).addGids(MAPPING))))).build();
    }

    private String run(CriClient client, PodSandboxConfig pod) {
        var id = Pods.run(client, pod);
        if (client == cri) {
            pods.add(id);
        }
        return id;
    }

    private static long hostUid(CriClient client, String container) throws Exception {
        var info = client.runtime().containerStatus(ContainerStatusRequest.newBuilder().setContainerId(container).setVerbose(true).build())
                .getInfoMap().get("info");
        long pid = new ObjectMapper().readTree(info).path("pid").asLong();
        var line = Files.readAllLines(Path.of("/proc/" + pid + "/status")).stream().filter(l -> l.startsWith("Uid:")).findFirst().orElseThrow();
        var ids = Arrays.stream(line.substring(4).trim().split("\\s+")).map(Long::parseLong).distinct().toList();
        assertEquals(1, ids.size(), line);
        return ids.getFirst();
    }

    private static List<String> exec(CriClient client, String container, String script) {
        var response = client.runtime().execSync(ExecSyncRequest.newBuilder().setContainerId(container).addCmd("sh").addCmd("-c")
                .addCmd(script).setTimeout(60).build());
        assertEquals(0, response.getExitCode(), script + ": " + response.getStdout().toStringUtf8() + response.getStderr().toStringUtf8());
        return response.getStdout().toStringUtf8().lines().toList();
    }

    @Test
    void thePodsRootIsItsMappedHostUserAndOwnsTheImage() throws Exception {
        Assumptions.assumeFalse(Target.external(), "reads the container's process on this host");
        var pod = userNamespacePod("userns").toBuilder();
        pod.getLinuxBuilder().putSysctls("net.ipv4.ping_group_range", "0 0");
        var podId = run(cri, pod.build());
        var id = Pods.start(cri, podId, pod.build(), Pods.shell(cri, "main", "exec sleep 1000").build());
        assertEquals(List.of("0 " + HOST_ID + " 65536", "0 " + HOST_ID + " 65536", "0", "0 0", "0 0", "0", "ok"),
                exec(cri, id, "for f in uid_map gid_map; do echo $(cat /proc/self/$f); done; id -u; stat -c '%u %g' / /bin/busybox;"
                        + " touch /made && stat -c %u /made; echo ok"));
        assertEquals(HOST_ID, hostUid(cri, id), "on the node the container's root is host user " + HOST_ID);
        assertEquals(List.of("0\t0"), exec(cri, id, "cat /proc/sys/net/ipv4/ping_group_range"),
                "the pod's sysctl is set: its network namespace belongs to its user namespace");
    }

    @Test
    void aVolumeWithThePodsMappingsBelongsToTheContainersRoot() throws Exception {
        var host = Scratch.dir("critest-userns-volume-");
        Files.writeString(host.resolve("from-host"), "x");
        var pod = userNamespacePod("userns-volume");
        var podId = run(cri, pod);
        var config = Pods.shell(cri, "main", "exec sleep 1000")
                .addMounts(Mount.newBuilder().setContainerPath("/mapped").setHostPath(host.toString()).addUidMappings(MAPPING).addGidMappings(MAPPING))
                .addMounts(Mount.newBuilder().setContainerPath("/plain").setHostPath(host.toString())).build();
        var id = Pods.start(cri, podId, pod, config);
        assertEquals(List.of("0", "65534", "0"), exec(cri, id, "stat -c %u /mapped/from-host; stat -c %u /plain/from-host;"
                + " touch /mapped/made && stat -c %u /mapped/made"));
        assertEquals(0, (int) Files.getAttribute(host.resolve("made"), "unix:uid"), "made by the pod's root, owned by the node's root on disk");
        var e = assertThrows(StatusRuntimeException.class, () -> Pods.create(cri, podId, pod, Pods.shell(cri, "other", "true")
                .addMounts(Mount.newBuilder().setContainerPath("/x").setHostPath(host.toString())
                        .addUidMappings(MAPPING.toBuilder().setHostId(HOST_ID + 65536)).addGidMappings(MAPPING)).build()));
        assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode(), e.getStatus().toString());
    }

    @Test
    void containersKeepThePodsUserNamespaceAcrossARestartAndNothingStaysAfterThePod() throws Exception {
        Assumptions.assumeFalse(Target.external(), "restarts a jcrid of its own");
        var dir = Scratch.dir("critest-userns-restart-");
        TestNetwork.forExtraDaemon(dir.resolve("net.d"), dir.resolve("ipam"));
        var pod = userNamespacePod("userns-restart");
        String podId;
        try (var jcrid = JcridProcess.start(dir, ""); var own = new CriClient(jcrid.endpoint())) {
            podId = run(own, pod);
            Pods.start(own, podId, pod, Pods.shell(own, "before", "exec sleep 1000").build());
            jcrid.kill();
        }
        try (var jcrid = JcridProcess.start(dir, ""); var own = new CriClient(jcrid.endpoint())) {
            var before = own.runtime().listContainers(ListContainersRequest.getDefaultInstance()).getContainers(0).getId();
            assertEquals(List.of("0 " + HOST_ID + " 65536"), exec(own, before, "echo $(cat /proc/self/uid_map)"));
            var after = Pods.start(own, podId, pod, Pods.shell(own, "after", "exec sleep 1000").build());
            assertEquals(List.of("0 " + HOST_ID + " 65536", "0"), exec(own, after, "echo $(cat /proc/self/uid_map); stat -c %u /bin/busybox"));
            assertEquals(HOST_ID, hostUid(own, after));
            Pods.destroy(own, own.runtime().listPodSandbox(ListPodSandboxRequest.getDefaultInstance()).getItems(0).getId());
            assertEquals(List.of(), Leaks.find(own, dir, "critest-userns-none"), "the pod's pinned namespaces and ID-mapped views go with it");
        }
    }
}
