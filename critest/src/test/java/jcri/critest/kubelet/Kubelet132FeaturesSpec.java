package jcri.critest.kubelet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.stream.StreamSupport;
import jcri.api.v1.ContainerStatusRequest;
import jcri.api.v1.ListImagesRequest;
import jcri.critest.JcridProcess;
import jcri.critest.Logs;
import jcri.critest.Scratch;
import jcri.critest.TestRegistry;
import jcri.image.oci.MediaTypes.Compression;
import jcri.image.testing.ImageBuilder;
import jcri.image.testing.LayerBuilder;
import jcri.image.testing.TestImages;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Pods of the CRI features of Kubernetes 1.30+ run by kubelet v1.32 on jcri: the kubelet uses a feature only where
 * jcri's {@code Status} advertises it (recursive read-only mounts, the supplemental-groups policy, user namespaces),
 * image volumes, and a device plugin's CDI devices.
 */
class Kubelet132FeaturesSpec {
    private static final Duration START = Duration.ofSeconds(90);
    private static final Duration LOGGED = Duration.ofSeconds(30);
    /** The device plugin's resource, and the CDI kind of its devices. */
    private static final String NULL_DEVICES = "jcri.test/null";
    @RegisterExtension
    static final KubeletNode node = new KubeletNode(KubeletVersion.V1_32, "");

    private static KubeletPod awaitRunning(String name) throws Exception {
        return node.await(name, p -> p.phase().equals("Running") && p.ready(), "running and ready", START);
    }

    @Test
    void aBusyboxPodRunsUnderKubelet132() throws Exception {
        node.run("plain", KubeletNode.main("echo started; exec sleep 1000"));
        var pod = awaitRunning("plain");
        assertEquals(0, pod.restarts("main"));
        Logs.await(KubeletNode.log(pod, "main", 0), "started", LOGGED);
    }

    @Test
    void aRecursiveReadOnlyHostPathIsReadOnlyBelowItsSubmounts() throws Exception {
        var host = Scratch.dir("critest-kubelet-rro-");
        Files.createDirectories(host.resolve("sub"));
        HostCommand.run("mount", "-t", "tmpfs", "tmpfs", host.resolve("sub").toString());
        try {
            Files.writeString(host.resolve("sub/from-host"), "in-the-submount\n");
            node.run("rro", KubeletNode.main("cat /host/sub/from-host; touch /host/sub/probe 2>&1; touch /host/probe 2>&1;"
                    + " echo checked; exec sleep 1000") + """
                        volumeMounts: [{name: host, mountPath: /host, readOnly: true, recursiveReadOnly: Enabled}]
                      volumes: [{name: host, hostPath: {path: %s, type: Directory}}]
                    """.formatted(host));
            var pod = awaitRunning("rro");
            var lines = Logs.await(KubeletNode.log(pod, "main", 0), l -> l.contains("checked"), "the writes' errors", LOGGED);
            assertEquals(List.of("in-the-submount", "touch: /host/sub/probe: Read-only file system",
                    "touch: /host/probe: Read-only file system", "checked"), lines);
            var mount = node.cri().runtime().containerStatus(ContainerStatusRequest.newBuilder().setContainerId(pod.containerId("main"))
                    .build()).getStatus().getMountsList().stream().filter(m -> m.getContainerPath().equals("/host")).findFirst().orElseThrow();
            assertTrue(mount.getReadonly() && mount.getRecursiveReadOnly(), "the kubelet asked for a recursive read-only mount: " + mount);
            assertEquals("Enabled", pod.container("main").path("volumeMounts").path(0).path("recursiveReadOnly").asText(),
                    "the kubelet's status: " + pod.container("main").toPrettyString());
            node.delete("rro"); // before its submount goes
        } finally {
            HostCommand.run("umount", host.resolve("sub").toString());
        }
    }

    /**
     * The image's /etc/group puts its user www (33) in staff (50000): under {@code Strict} the process has only its
     * primary group and the pod's supplemental group, and the kubelet reports those as the container's user.
     */
    @Test
    void supplementalGroupsPolicyStrictLeavesOutTheImagesGroups() throws Exception {
        var image = TestRegistry.push("critest/kubelet-groups", "1", TestImages.busyboxBuilder().user("www")
                .layer(new LayerBuilder().file("etc/group", "root:x:0:\nwww:x:33:\nstaff:x:50000:www\n"), Compression.GZIP).build());
        node.run("strict", KubeletNode.main(image, "id -G; exec sleep 1000")
                + "  securityContext: {supplementalGroupsPolicy: Strict, supplementalGroups: [1234]}\n");
        var pod = awaitRunning("strict");
        var lines = Logs.await(KubeletNode.log(pod, "main", 0), l -> !l.isEmpty(), "the groups", LOGGED);
        assertEquals(List.of("33", "1234"), List.of(lines.getFirst().split(" ")), "id -G: " + lines);
        var user = pod.container("main").path("user").path("linux");
        assertEquals(33, user.path("uid").asInt(), pod.container("main").toPrettyString());
        assertEquals(33, user.path("gid").asInt(), pod.container("main").toPrettyString());
        assertEquals("[33,1234]", user.path("supplementalGroups").toString(), pod.container("main").toPrettyString());
    }

    /**
     * An {@code image} volume: the kubelet pulls the volume's image through jcri's ImageService and jcri mounts its
     * files read-only at the mount path (kubelet 1.32 allows no {@code subPath} there; 1.33 does).
     */
    @Test
    void anImageVolumeShowsTheImagesFilesReadOnly() throws Exception {
        var content = TestRegistry.push("critest/kubelet-image-volume", "1", ImageBuilder.oci()
                .layer(new LayerBuilder().file("model.txt", "weights\n").dir("sub").file("sub/inner.txt", "inner\n"), Compression.GZIP).build());
        node.run("imgvol", KubeletNode.main("cat /vol/model.txt /vol/sub/inner.txt; touch /vol/new 2>&1; echo checked; exec sleep 1000") + """
                    volumeMounts: [{name: vol, mountPath: /vol}]
                  volumes: [{name: vol, image: {reference: %s, pullPolicy: IfNotPresent}}]
                """.formatted(content));
        var pod = awaitRunning("imgvol");
        var lines = Logs.await(KubeletNode.log(pod, "main", 0), l -> l.contains("checked"), "the volume's files", LOGGED);
        assertEquals(List.of("weights", "inner", "touch: /vol/new: Read-only file system", "checked"), lines);
        var images = node.cri().images().listImages(ListImagesRequest.getDefaultInstance()).getImagesList().stream()
                .flatMap(i -> i.getRepoTagsList().stream()).toList();
        assertTrue(images.contains(content), "the kubelet pulled the volume's image through jcri: " + images);
    }

    /**
     * {@code hostUsers: false}: the kubelet picks the pod's host ids and jcri runs it in a user namespace of its own with
     * them: root in the container, the image's files and the kubelet's volumes owned by it, and on the node an
     * unprivileged user.
     */
    @Test
    void aUserNamespacePodRunsAsAnUnprivilegedHostUser() throws Exception {
        node.run("userns", "  hostUsers: false\n" + KubeletNode.main(
                "cat /proc/self/uid_map; id -u; stat -c %u /bin/sh /etc/hosts; touch /made && echo wrote; exec sleep 1000"));
        var pod = awaitRunning("userns");
        var lines = Logs.await(KubeletNode.log(pod, "main", 0), l -> l.contains("wrote"), "the ids", LOGGED);
        var map = lines.getFirst().trim().split("\\s+");
        assertEquals("0", map[0], "uid_map: " + lines);
        long hostId = Long.parseLong(map[1]);
        assertTrue(hostId >= 65536, "the kubelet maps the pod above the node's own ids: " + lines);
        assertEquals("65536", map[2], "uid_map: " + lines);
        assertEquals(List.of("0", "0", "0", "wrote"), lines.subList(1, lines.size()), "id -u, owners of /bin/sh and /etc/hosts: " + lines);
        var info = node.cri().runtime().containerStatus(ContainerStatusRequest.newBuilder().setContainerId(pod.containerId("main"))
                .setVerbose(true).build()).getInfoMap().get("info");
        long pid = new ObjectMapper().readTree(info).path("pid").asLong();
        var uids = Files.readAllLines(Path.of("/proc/" + pid + "/status")).stream().filter(l -> l.startsWith("Uid:")).findFirst().orElseThrow();
        assertEquals(List.of(hostId, hostId, hostId, hostId), Arrays.stream(uids.substring(4).trim().split("\\s+")).map(Long::parseLong).toList(),
                "the container's root is host user " + hostId + " on the node: " + uids);
    }

    /**
     * A device plugin's device reaches the container as a CDI device: the plugin answers the kubelet's allocation with
     * the device's CDI name only, the kubelet passes it on in the container's {@code CDI_devices}, and jcri makes the
     * edits of its CDI spec (written into its spec directory): host /dev/null as the device's node, a read-only mount
     * of a node directory and an environment variable.
     */
    @Test
    void aDevicePluginsCdiDeviceHasItsNodeMountAndEnvInThePod() throws Exception {
        var shared = Scratch.dir("critest-kubelet-cdi-");
        Files.writeString(shared.resolve("hello.txt"), "hello from the node\n");
        var plugin = new CdiDevicePlugin(NULL_DEVICES, List.of("null0", "null1"));
        var spec = Files.createDirectories(JcridProcess.cdiDir(node.jcrid().dir())).resolve("jcri-test-null.json");
        Files.writeString(spec, nullDevicesSpec(plugin.ids(), shared));
        try (var _ = DevicePluginServer.start(NULL_DEVICES, plugin)) {
            DevicePluginServer.awaitListed(NULL_DEVICES, plugin.ids(), LOGGED);
            node.run("cdi", KubeletNode.main("echo $JCRI_NULL; stat -c '%n %F %t:%T' /dev/jcri-*; echo data > /dev/jcri-$JCRI_NULL"
                    + " && echo wrote; cat /mnt/jcri-null/hello.txt; echo checked; exec sleep 1000") + """
                        resources: {limits: {%s: 1}}
                    """.formatted(NULL_DEVICES));
            var pod = awaitRunning("cdi");
            assertEquals(1, plugin.allocations().size(), "one allocation, for container main: " + plugin.allocations());
            var id = plugin.allocations().getFirst().getFirst();
            var lines = Logs.await(KubeletNode.log(pod, "main", 0), l -> l.contains("checked"), "the device's checks", LOGGED);
            assertEquals(List.of(id, "/dev/jcri-" + id + " character special file 1:3", "wrote", "hello from the node", "checked"), lines);
            var status = node.cri().runtime().containerStatus(ContainerStatusRequest.newBuilder().setContainerId(pod.containerId("main"))
                    .setVerbose(true).build());
            assertTrue(status.getStatus().getAnnotationsMap().keySet().stream().noneMatch(k -> k.startsWith("cdi.k8s.io/")),
                    "the kubelet named the device in CDI_devices, not by annotation: " + status.getStatus().getAnnotationsMap());
            var runtimeSpec = new ObjectMapper().readTree(status.getInfoMap().get("info")).path("runtimeSpec");
            var device = element(runtimeSpec.path("linux").path("devices"), "path", "/dev/jcri-" + id);
            assertEquals(List.of("c", "1", "3"), List.of(device.path("type").asText(), device.path("major").asText(),
                    device.path("minor").asText()), device.toString());
            assertTrue(runtimeSpec.path("process").path("env").toString().contains("\"JCRI_NULL=" + id + "\""),
                    "config.json's env: " + runtimeSpec.path("process").path("env"));
            assertEquals(shared.toString(), element(runtimeSpec.path("mounts"), "destination", "/mnt/jcri-null").path("source").asText());
            node.delete("cdi");
        } finally {
            Files.delete(spec);
        }
    }

    /**
     * A CDI spec of kind {@link #NULL_DEVICES}: device {@code id} is the node's /dev/null as {@code /dev/jcri-<id>}
     * and sets {@code JCRI_NULL=<id>}; every device mounts {@code shared} read-only on /mnt/jcri-null.
     */
    private static String nullDevicesSpec(List<String> ids, Path shared) {
        var devices = ids.stream().map(id -> """
                {"name": "%1$s", "containerEdits": {"env": ["JCRI_NULL=%1$s"],
                 "deviceNodes": [{"path": "/dev/jcri-%1$s", "hostPath": "/dev/null", "permissions": "rw"}]}}""".formatted(id)).toList();
        return """
                {"cdiVersion": "0.6.0", "kind": "%s", "devices": [%s],
                 "containerEdits": {"mounts": [{"hostPath": "%s", "containerPath": "/mnt/jcri-null", "options": ["rbind", "ro"]}]}}
                """.formatted(NULL_DEVICES, String.join(", ", devices), shared);
    }

    /** The element of JSON array {@code array} whose {@code field} is {@code value}. */
    private static JsonNode element(JsonNode array, String field, String value) {
        return StreamSupport.stream(array.spliterator(), false).filter(e -> e.path(field).asText().equals(value)).findFirst()
                .orElseThrow(() -> new AssertionError("no " + field + " " + value + " in " + array));
    }
}
