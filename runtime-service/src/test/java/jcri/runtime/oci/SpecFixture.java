package jcri.runtime.oci;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import jcri.api.v1.ContainerConfig;
import jcri.api.v1.ContainerMetadata;
import jcri.api.v1.LinuxContainerConfig;
import jcri.api.v1.LinuxContainerSecurityContext;
import jcri.api.v1.LinuxPodSandboxConfig;
import jcri.api.v1.PodSandboxConfig;
import jcri.image.ImageSpec;
import jcri.runtime.info.OciRuntimeFeatures;
import jcri.runtime.cgroup.HugetlbController;

/**
 * The fixed world spec tests build in: a rootfs with users root (in wheel and video), app (1000, in video) and nobody,
 * the pod's files, and an nginx-like image.
 */
final class SpecFixture {
    static final ImageSpec IMAGE = new ImageSpec("", List.of("PATH=/usr/local/bin:/usr/bin:/bin", "LANG=C.UTF-8"),
            List.of("/docker-entrypoint.sh"), List.of("nginx", "-g", "daemon off;"), "/srv", "SIGQUIT", Map.of(), List.of(), List.of());
    static final Capabilities CAPABILITIES = new Capabilities(List.of("CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FOWNER", "CAP_FSETID",
            "CAP_KILL", "CAP_SETGID", "CAP_SETUID", "CAP_SETPCAP", "CAP_NET_BIND_SERVICE", "CAP_NET_ADMIN", "CAP_NET_RAW",
            "CAP_SYS_CHROOT", "CAP_SYS_PTRACE", "CAP_SYS_ADMIN", "CAP_MKNOD", "CAP_AUDIT_WRITE", "CAP_SETFCAP"));
    /** /dev/null, /dev/fuse, /dev/loop0 and /dev/nvme0n1; a privileged container gets all but loop0. */
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
    /** An amd64 cgroup v2 node with AppArmor and hugetlb, every mount shared. */
    static final NodeFacts NODE = new NodeFacts(true, new HugetlbController(true), true, RuntimeDefaultSeccomp.architectures("amd64"), DEVICES,
            path -> "shared");
    static final PodNamespaces POD_NAMESPACES = new PodNamespaces(join("net"), join("ipc"), join("uts"), new NamespaceRef.Fresh());

    private SpecFixture() {
    }

    private static NamespaceRef join(String type) {
        return new NamespaceRef.Join(Path.of("/run/jcri/ns/" + type + "/pod-1"));
    }

    static ContainerConfig.Builder container(String name) {
        return ContainerConfig.newBuilder().setMetadata(ContainerMetadata.newBuilder().setName(name));
    }

    static ContainerConfig withSecurity(LinuxContainerSecurityContext.Builder security) {
        return container("c").setLinux(LinuxContainerConfig.newBuilder().setSecurityContext(security)).build();
    }

    static PodSandboxConfig pod() {
        return PodSandboxConfig.newBuilder().setLinux(LinuxPodSandboxConfig.newBuilder()
                .putSysctls("net.ipv4.ip_unprivileged_port_start", "0").putSysctls("kernel.shm_rmid_forced", "1")).build();
    }

    /** The input for {@code c} from {@code image}, its rootfs and pod files made under {@code tmp}. */
    /** An OCI runtime that implements recursive read-only mounts, as runc 1.1 and crun 1.4 do. */
    static final OciRuntimeFeatures RUNTIME = new OciRuntimeFeatures(Set.of("rro", "rbind", "ro"));

    static SpecInput input(Path tmp, ContainerConfig c, ImageSpec image, PodNamespaces namespaces, boolean podShm) throws IOException {
        return input(tmp, c, image, namespaces, podShm, RUNTIME);
    }

    static SpecInput input(Path tmp, ContainerConfig c, ImageSpec image, PodNamespaces namespaces, boolean podShm,
                           OciRuntimeFeatures runtime) throws IOException {
        var etc = Files.createDirectories(tmp.resolve("rootfs/etc"));
        Files.writeString(etc.resolve("passwd"), "root:x:0:0:root:/root:/bin/sh\napp:x:1000:1000::/home/app:/bin/sh\n"
                + "nobody:x:65534:65534::/:/sbin/nologin\n");
        Files.writeString(etc.resolve("group"), "root:x:0:\nwheel:x:10:root\nvideo:x:44:app,root\napp:x:1000:\n");
        var pod = Files.createDirectories(tmp.resolve("pod"));
        var files = new PodFiles(Files.writeString(pod.resolve("hostname"), "web-1\n"), Files.writeString(pod.resolve("resolv.conf"), ""),
                Files.writeString(pod.resolve("hosts"), ""), podShm ? Files.createDirectories(pod.resolve("shm")) : null);
        return new SpecInput("c-1", c, pod(), image, tmp.resolve("rootfs"), namespaces, files, "/kubepods/pod-1/c-1", runtime);
    }

    static SpecInput input(Path tmp, ContainerConfig c) throws IOException {
        return input(tmp, c, IMAGE, POD_NAMESPACES, true);
    }
}
