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
import java.util.Optional;
import jcri.api.v1.CDIDevice;
import jcri.api.v1.Capability;
import jcri.api.v1.ContainerConfig;
import jcri.api.v1.Device;
import jcri.api.v1.HugepageLimit;
import jcri.api.v1.Int64Value;
import jcri.api.v1.KeyValue;
import jcri.api.v1.LinuxContainerConfig;
import jcri.api.v1.LinuxContainerResources;
import jcri.api.v1.LinuxContainerSecurityContext;
import jcri.api.v1.Mount;
import jcri.api.v1.MountPropagation;
import jcri.api.v1.SecurityProfile;
import jcri.runtime.cdi.CdiRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Builds whole OCI specs from fixed CRI requests, on fixed node facts, and compares each with its golden file
 * ({@code golden/<case>.json}, the temp dir written as {@code @TMP@}; CDI spec files are read from {@code @TMP@/cdi}). {@code -Dgolden.write=true} rewrites the files.
 */
class OciSpecGoldenTest {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    static final Path GOLDEN = Path.of("src/test/resources/jcri/runtime/oci/golden");
    @TempDir
    Path tmp;

    private static ContainerConfig.Builder container(String name) {
        return SpecFixture.container(name)
                .addEnvs(KeyValue.newBuilder().setKey("LANG").setValue("en_US.UTF-8"))
                .addEnvs(KeyValue.newBuilder().setKey("MODE").setValue("golden"))
                .putAnnotations("io.kubernetes.container.hash", "1234abcd")
                .putLabels("app", "web");
    }

    private static LinuxContainerSecurityContext.Builder security() {
        return LinuxContainerSecurityContext.newBuilder();
    }

    /** Builds the spec of {@code c} in a pod with its own shm and the pod's namespaces, and compares it with {@code golden}. */
    private void check(String golden, ContainerConfig c) throws IOException {
        check(golden, c, SpecFixture.POD_NAMESPACES, true);
    }

    private void check(String golden, ContainerConfig c, PodNamespaces namespaces, boolean podShm) throws IOException {
        var input = SpecFixture.input(tmp, c, SpecFixture.IMAGE, namespaces, podShm);
        var cdi = new CdiRegistry(List.of(tmp.resolve("cdi")));
        var text = JSON.writeValueAsString(new OciSpecBuilder(SpecFixture.CAPABILITIES, -998, SpecFixture.NODE, cdi).build(input))
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

    /** A pod with a user namespace of its own: joined first, with its mappings for the runtime. */
    @Test
    void userNamespace() throws IOException {
        var ns = SpecFixture.POD_NAMESPACES;
        var range = new IdMappings.Range(0, 165536, 65536);
        var user = new PodUserNamespace(Path.of("/run/jcri/pods/pod-1/ns/user"), new IdMappings(range, new IdMappings.Range(0, 231072, 65536)));
        check("user-namespace", container("web").build(), new PodNamespaces(ns.network(), ns.ipc(), ns.uts(), ns.pid(), Optional.of(user)), true);
    }

    @Test
    void devices() throws IOException {
        check("devices", container("gpu").addDevices(device("/dev/fuse", "/dev/fuse", "rw"))
                .addDevices(device("/dev/loop0", "/dev/xvda", "")).addDevices(device("/dev/nvme0n1", "/dev/xvda", "r"))
                .addDevices(device("/dev/null", "", "rwm")).build());
    }

    @Test
    void cdiDevice() throws IOException {
        var libs = Files.createDirectories(tmp.resolve("gpu-libs"));
        Files.writeString(Files.createDirectories(tmp.resolve("cdi")).resolve("vendor-gpu.json"), """
                {"cdiVersion": "0.7.0", "kind": "vendor.com/gpu",
                 "devices": [{"name": "gpu0", "containerEdits": {
                     "env": ["GPU_VISIBLE=0", "MODE=cdi"],
                     "deviceNodes": [{"path": "/dev/gpu0", "hostPath": "/dev/fuse", "permissions": "rw"},
                                     {"path": "/dev/gpuctl", "type": "c", "major": 240, "minor": 1, "fileMode": 432}],
                     "mounts": [{"hostPath": "%s", "containerPath": "/usr/lib/gpu", "options": ["ro", "nosuid", "rbind"]}],
                     "additionalGids": [44, 500]}}],
                 "containerEdits": {"hooks": [{"hookName": "createContainer", "path": "/usr/bin/gpu-hook",
                                               "args": ["gpu-hook", "update-ldcache"], "timeout": 10}]}}
                """.formatted(libs));
        check("cdi", container("trainer").addCDIDevices(CDIDevice.newBuilder().setName("vendor.com/gpu=gpu0"))
                .putAnnotations("cdi.k8s.io/dra-claim", "vendor.com/gpu=gpu0").build());
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

    private static Device device(String host, String container, String permissions) {
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
