package jcri.runtime.oci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import jcri.api.v1.Capability;
import jcri.api.v1.ContainerConfig;
import jcri.api.v1.ContainerMetadata;
import jcri.api.v1.Device;
import jcri.api.v1.HugepageLimit;
import jcri.api.v1.Int64Value;
import jcri.api.v1.KeyValue;
import jcri.api.v1.LinuxContainerConfig;
import jcri.api.v1.LinuxContainerResources;
import jcri.api.v1.LinuxContainerSecurityContext;
import jcri.api.v1.LinuxPodSandboxConfig;
import jcri.api.v1.Mount;
import jcri.api.v1.MountPropagation;
import jcri.api.v1.PodSandboxConfig;
import jcri.api.v1.SecurityProfile;
import jcri.image.ImageSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Builds whole OCI specs from fixed CRI requests, on fixed node facts, and compares each with its golden file
 * ({@code golden/<case>.json}, the temp dir written as {@code @TMP@}). {@code -Dgolden.write=true} rewrites the files.
 */
class OciSpecGoldenTest {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final Path GOLDEN = Path.of("src/test/resources/jcri/runtime/oci/golden");
    static final Capabilities CAPABILITIES = new Capabilities(List.of("CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FOWNER", "CAP_FSETID",
            "CAP_KILL", "CAP_SETGID", "CAP_SETUID", "CAP_SETPCAP", "CAP_NET_BIND_SERVICE", "CAP_NET_ADMIN", "CAP_NET_RAW",
            "CAP_SYS_CHROOT", "CAP_SYS_PTRACE", "CAP_SYS_ADMIN", "CAP_MKNOD", "CAP_AUDIT_WRITE", "CAP_SETFCAP"));
    static final DeviceNodes DEVICES = new DeviceNodes() {
        private final Map<String, Node> nodes = Map.of(
                "/dev/null", new Node("c", 1, 3, 0666),
                "/dev/fuse", new Node("c", 10, 229, 0666),
                "/dev/loop0", new Node("b", 7, 0, 0660),
                "/dev/nvme0n1", new Node("b", 259, 0, 0660));

        @Override
        public Optional<Node> stat(Path path) {
            return Optional.ofNullable(nodes.get(path.toString()));
        }

        @Override
        public List<Path> forPrivileged() {
            return List.of(Path.of("/dev/null"), Path.of("/dev/fuse"), Path.of("/dev/nvme0n1"));
        }
    };
    static final NodeFacts NODE = new NodeFacts(true, true, true, RuntimeDefaultSeccomp.architectures("amd64"), DEVICES,
            path -> "shared");
    private static final ImageSpec IMAGE = new ImageSpec("", List.of("PATH=/usr/local/bin:/usr/bin:/bin", "LANG=C.UTF-8"),
            List.of("/docker-entrypoint.sh"), List.of("nginx", "-g", "daemon off;"), "/srv", "SIGQUIT", Map.of(), List.of(), List.of());
    private static final PodNamespaces POD_NAMESPACES = new PodNamespaces(join("net"), join("ipc"), join("uts"), new NamespaceRef.Fresh());

    @TempDir
    Path tmp;

    private static NamespaceRef join(String type) {
        return new NamespaceRef.Join(Path.of("/run/jcri/ns/" + type + "/pod-1"));
    }

    private static ContainerConfig.Builder container(String name) {
        return ContainerConfig.newBuilder().setMetadata(ContainerMetadata.newBuilder().setName(name))
                .addEnvs(KeyValue.newBuilder().setKey("LANG").setValue("en_US.UTF-8"))
                .addEnvs(KeyValue.newBuilder().setKey("MODE").setValue("golden"))
                .putAnnotations("io.kubernetes.container.hash", "1234abcd")
                .putLabels("app", "web");
    }

    private static PodSandboxConfig pod() {
        return PodSandboxConfig.newBuilder().setLinux(LinuxPodSandboxConfig.newBuilder()
                .putSysctls("net.ipv4.ip_unprivileged_port_start", "0").putSysctls("kernel.shm_rmid_forced", "1")).build();
    }

    private static LinuxContainerSecurityContext.Builder security() {
        return LinuxContainerSecurityContext.newBuilder();
    }

    /** Builds the spec of {@code c} in a pod with its own shm and the pod's namespaces, and compares it with {@code golden}. */
    private void check(String golden, ContainerConfig c) throws IOException {
        check(golden, c, POD_NAMESPACES, true);
    }

    private void check(String golden, ContainerConfig c, PodNamespaces namespaces, boolean podShm) throws IOException {
        var rootfs = Files.createDirectories(tmp.resolve("rootfs/etc"));
        Files.writeString(rootfs.resolve("passwd"), "root:x:0:0:root:/root:/bin/sh\napp:x:1000:1000::/home/app:/bin/sh\n"
                + "nobody:x:65534:65534::/:/sbin/nologin\n");
        Files.writeString(rootfs.resolve("group"), "root:x:0:\nwheel:x:10:root\nvideo:x:44:app,root\napp:x:1000:\n");
        var pod = Files.createDirectories(tmp.resolve("pod"));
        var files = new PodFiles(Files.writeString(pod.resolve("hostname"), "web-1\n"), Files.writeString(pod.resolve("resolv.conf"), ""),
                Files.writeString(pod.resolve("hosts"), ""), podShm ? Files.createDirectories(pod.resolve("shm")) : null);
        var input = new SpecInput("c-1", c, pod(), IMAGE, tmp.resolve("rootfs"), namespaces, files, "/kubepods/pod-1/c-1");
        var text = JSON.writeValueAsString(new OciSpecBuilder(CAPABILITIES, -998, NODE).build(input))
                .replace(tmp.toRealPath().toString(), "@TMP@").replace(tmp.toString(), "@TMP@");
        var file = GOLDEN.resolve(golden + ".json");
        if (Boolean.getBoolean("golden.write")) {
            Files.writeString(file, text + "\n");
        }
        JsonNode expected = JSON.readTree(file.toFile());
        var differences = JsonDiff.of(expected, JSON.readTree(text));
        assertTrue(differences.isEmpty(), golden + " differs from its golden file:\n" + String.join("\n", differences));
    }

    @Test
    void plain() throws IOException {
        check("plain", container("web").build());
    }

    @Test
    void privileged() throws IOException {
        check("privileged", container("admin").setLinux(LinuxContainerConfig.newBuilder()
                .setSecurityContext(security().setPrivileged(true))).addDevices(device("/dev/loop0", "", "")).build());
    }

    @Test
    void restricted() throws IOException {
        check("restricted", container("locked").setLinux(LinuxContainerConfig.newBuilder().setSecurityContext(security()
                .setRunAsUser(Int64Value.newBuilder().setValue(1000)).setRunAsGroup(Int64Value.newBuilder().setValue(3000)).addSupplementalGroups(4000)
                .setCapabilities(Capability.newBuilder().addDropCapabilities("ALL").addAddCapabilities("NET_BIND_SERVICE"))
                .setNoNewPrivs(true).setReadonlyRootfs(true)
                .setSeccomp(SecurityProfile.newBuilder().setProfileType(SecurityProfile.ProfileType.RuntimeDefault))
                .setApparmor(SecurityProfile.newBuilder().setProfileType(SecurityProfile.ProfileType.Localhost)
                        .setLocalhostRef("localhost/k8s-restricted")))).build());
    }

    @Test
    void hostNamespaces() throws IOException {
        var host = new NamespaceRef.Host();
        check("host-namespaces", container("node-agent").setLinux(LinuxContainerConfig.newBuilder().setSecurityContext(security()
                        .setRunAsUsername("app").setCapabilities(Capability.newBuilder().addAddCapabilities("CAP_NET_ADMIN")
                                .addAddCapabilities("sys_ptrace").addDropCapabilities("MKNOD")))).build(),
                new PodNamespaces(host, host, host, host), false);
    }

    @Test
    void devices() throws IOException {
        check("devices", container("gpu").addDevices(device("/dev/fuse", "/dev/fuse", "rw"))
                .addDevices(device("/dev/loop0", "/dev/xvda", "")).addDevices(device("/dev/nvme0n1", "/dev/xvda", "r"))
                .addDevices(device("/dev/null", "", "rwm")).build());
    }

    @Test
    void hugepages() throws IOException {
        check("hugepages", container("big").setLinux(LinuxContainerConfig.newBuilder().setResources(LinuxContainerResources.newBuilder()
                .setMemoryLimitInBytes(1 << 30)
                .addHugepageLimits(HugepageLimit.newBuilder().setPageSize("2MB").setLimit(64L << 20))
                .addHugepageLimits(HugepageLimit.newBuilder().setPageSize("1GB").setLimit(0)))).build());
    }

    @Test
    void seccompLocalhost() throws IOException {
        var profile = Files.writeString(tmp.resolve("profile.json"), """
                {"defaultAction": "SCMP_ACT_ERRNO", "defaultErrnoRet": 1, "architectures": ["SCMP_ARCH_X86_64"],
                 "flags": ["SECCOMP_FILTER_FLAG_LOG"], "listenerPath": "/run/seccomp-agent.sock",
                 "syscalls": [{"names": ["read", "write", "exit_group"], "action": "SCMP_ACT_ALLOW"},
                              {"names": ["personality"], "action": "SCMP_ACT_ALLOW",
                               "args": [{"index": 0, "value": 8, "valueTwo": 0, "op": "SCMP_CMP_EQ"}]},
                              {"names": ["mkdir"], "action": "SCMP_ACT_LOG", "comment": "kept as given"}]}
                """);
        check("seccomp-localhost", container("profiled").setLinux(LinuxContainerConfig.newBuilder().setSecurityContext(security()
                .setSeccomp(SecurityProfile.newBuilder().setProfileType(SecurityProfile.ProfileType.Localhost)
                        .setLocalhostRef("localhost/" + profile))
                .addMaskedPaths("/proc/kcore").addReadonlyPaths("/proc/sys").addReadonlyPaths("/proc/bus"))).build());
    }

    @Test
    void resourcesAndMounts() throws IOException {
        var volumes = Files.createDirectories(tmp.resolve("volumes"));
        check("resources-mounts", container("db").setTty(true).setWorkingDir("/var/lib/db").addCommand("postgres").addArgs("-D")
                .addArgs("/var/lib/db")
                .addMounts(mount(volumes.resolve("data"), "/var/lib/db", MountPropagation.PROPAGATION_PRIVATE, false))
                .addMounts(mount(volumes.resolve("config"), "/etc/db", MountPropagation.PROPAGATION_HOST_TO_CONTAINER, true))
                .addMounts(mount(volumes.resolve("shared"), "/mnt/shared", MountPropagation.PROPAGATION_BIDIRECTIONAL, false))
                .addMounts(mount(volumes.resolve("hosts"), "/etc/hosts", MountPropagation.PROPAGATION_PRIVATE, true))
                .setLinux(LinuxContainerConfig.newBuilder().setResources(LinuxContainerResources.newBuilder()
                        .setCpuShares(512).setCpuQuota(50_000).setCpuPeriod(100_000).setCpusetCpus("0-1").setCpusetMems("0")
                        .setMemoryLimitInBytes(256L << 20).setMemorySwapLimitInBytes(512L << 20).setOomScoreAdj(500)
                        .putUnified("memory.high", "200000000").putUnified("pids.max", "128"))).build());
    }

    static Device device(String host, String container, String permissions) {
        return Device.newBuilder().setHostPath(host).setContainerPath(container).setPermissions(permissions).build();
    }

    private static Mount mount(Path host, String container, MountPropagation propagation, boolean readonly) {
        return Mount.newBuilder().setHostPath(host.toString()).setContainerPath(container).setPropagation(propagation)
                .setReadonly(readonly).build();
    }

    @Test
    void aChangedFieldIsNamedByItsPath() throws IOException {
        var expected = JSON.readTree("{\"linux\": {\"resources\": {\"cpu\": {\"shares\": 2}}, \"maskedPaths\": [\"/a\"]}}");
        var actual = JSON.readTree("{\"linux\": {\"resources\": {\"cpu\": {\"shares\": 3}}, \"maskedPaths\": [\"/a\", \"/b\"], \"x\": {}}}");
        assertEquals(List.of("$.linux.maskedPaths[1]: unexpected \"/b\"", "$.linux.resources.cpu.shares: expected 2, got 3",
                "$.linux.x: unexpected {}"), JsonDiff.of(expected, actual));
    }
}
