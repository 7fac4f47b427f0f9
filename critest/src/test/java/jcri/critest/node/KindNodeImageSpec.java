package jcri.critest.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.dockerjava.api.model.Capability;
import com.github.dockerjava.api.model.Device;
import com.github.dockerjava.api.model.Volume;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import jcri.api.v1.ContainerState;
import jcri.api.v1.ContainerStatusRequest;
import jcri.api.v1.ExecSyncRequest;
import jcri.api.v1.LinuxPodSandboxConfig;
import jcri.api.v1.ListContainersRequest;
import jcri.api.v1.ListPodSandboxRequest;
import jcri.api.v1.PodSandboxConfig;
import jcri.api.v1.PodSandboxMetadata;
import jcri.api.v1.PodSandboxStatusRequest;
import jcri.api.v1.VersionRequest;
import jcri.critest.CriClient;
import jcri.critest.JcridProcess;
import jcri.critest.Pods;
import jcri.critest.TestNetwork;
import jcri.critest.kubelet.KernelTunables;
import jcri.critest.kubelet.KubeletEndpoints;
import jcri.critest.kubelet.KubeletNode;
import jcri.critest.kubelet.KubeletProcess;
import jcri.critest.kubelet.KubeletVersion;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.BindMode;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.images.builder.Transferable;
import org.testcontainers.utility.DockerImageName;

/**
 * The kind node image, all of it real: {@code deploy/kind/build-image} builds it (the debootstrap base from the
 * Debian mirror, cached by recipe hash; a jlink'd JDK; the packaged jcrid), Testcontainers starts it on the local
 * dockerd the way kind does (systemd as PID 1, tmpfs {@code /run} and {@code /tmp}, a {@code /var} volume, the
 * host's cgroups, seccomp and AppArmor unconfined) but with this host's capabilities instead of
 * {@code --privileged}, and jcrid runs as the node's systemd unit. The image holds the suite's kubelet
 * ({@code build-image -k}), whose unit, configured standalone, runs a static pod. The tests drive jcrid over
 * {@code /run/jcri}, bind-mounted from a host directory: a busybox pulled from the suite's registry on 127.0.0.1 runs
 * in a pod on the test CNI bridge. The node shares the host network, so only loopback and the pods' own namespaces
 * carry traffic.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class KindNodeImageSpec {
    private static final Duration BUILD_TIMEOUT = Duration.ofMinutes(20);
    /** Linux capability names by number (capability.h), as Docker spells them. */
    private static final List<String> CAPABILITIES = List.of("CHOWN", "DAC_OVERRIDE", "DAC_READ_SEARCH", "FOWNER",
            "FSETID", "KILL", "SETGID", "SETUID", "SETPCAP", "LINUX_IMMUTABLE", "NET_BIND_SERVICE", "NET_BROADCAST",
            "NET_ADMIN", "NET_RAW", "IPC_LOCK", "IPC_OWNER", "SYS_MODULE", "SYS_RAWIO", "SYS_CHROOT", "SYS_PTRACE",
            "SYS_PACCT", "SYS_ADMIN", "SYS_BOOT", "SYS_NICE", "SYS_RESOURCE", "SYS_TIME", "SYS_TTY_CONFIG", "MKNOD",
            "LEASE", "AUDIT_WRITE", "AUDIT_CONTROL", "SETFCAP", "MAC_OVERRIDE", "MAC_ADMIN", "SYSLOG", "WAKE_ALARM",
            "BLOCK_SUSPEND", "AUDIT_READ", "PERFMON", "BPF", "CHECKPOINT_RESTORE");

    @TempDir
    static Path dir;
    private static String image;
    private static GenericContainer<?> node;
    private static CriClient cri;
    private static String podId;
    private static String containerId;

    @BeforeAll
    static void startNode() throws Exception {
        image = buildImage("jcri-kind-node:critest-" + HexFormat.of().toHexDigits(UUID.randomUUID().getMostSignificantBits()));
        var run = Files.createDirectories(dir.resolve("run-jcri"));
        var netD = dir.resolve("net.d");
        TestNetwork.write(netD, Path.of("/var/lib/cni/networks"));
        var config = Files.writeString(dir.resolve("config.toml"), """
                log_level = "debug"
                # the node shares the host network: no metrics port that could meet another jcrid's
                [metrics]
                address = ""
                """);
        node = new GenericContainer<>(DockerImageName.parse(image))
                .withImagePullPolicy(name -> false)
                .withNetworkMode("host")
                .withTmpFs(Map.of("/run", "rw", "/tmp", "rw"))
                .withFileSystemBind("/sys/fs/cgroup", "/sys/fs/cgroup", BindMode.READ_WRITE)
                .withFileSystemBind("/lib/modules", "/lib/modules", BindMode.READ_ONLY)
                .withFileSystemBind(run.toString(), "/run/jcri", BindMode.READ_WRITE)
                .withFileSystemBind(netD.toString(), "/etc/cni/net.d", BindMode.READ_ONLY)
                .withFileSystemBind(config.toString(), "/etc/jcri/config.toml", BindMode.READ_ONLY)
                .withCreateContainerCmdModifier(cmd -> {
                    cmd.withVolumes(new Volume("/var"));
                    cmd.getHostConfig()
                            .withDevices(Device.parse("/dev/kmsg")) // the kubelet's OOM watcher reads it, as on a --privileged kind node
                            .withCapAdd(Capability.ALL)
                            .withCapDrop(missingCapabilities().toArray(Capability[]::new))
                            .withSecurityOpts(List.of("seccomp=unconfined", "apparmor=unconfined"));
                });
        node.start();
        var socket = run.resolve("jcri.sock");
        awaitSocket(socket, Duration.ofMinutes(2));
        cri = new CriClient("unix://" + socket);
    }

    @AfterAll
    static void removeNode() throws Exception {
        try {
            if (podId != null) {
                Pods.destroy(cri, podId);
            }
            if (cri != null) {
                cri.close();
            }
        } finally {
            if (node != null) {
                node.stop();
            }
            if (image != null) {
                DockerClientFactory.instance().client().removeImageCmd(image).withForce(true).exec();
            }
        }
    }

    @Test
    void jcridIsTheNodesSystemdUnitServingTheKindSocket() throws Exception {
        assertEquals("jcri", cri.runtime().version(VersionRequest.getDefaultInstance()).getRuntimeName());
        var unit = node.execInContainer("systemctl", "is-active", "jcri.service");
        assertEquals("active", unit.getStdout().strip(), unit.getStderr());
        var init = node.execInContainer("cat", "/proc/1/comm");
        assertEquals("systemd", init.getStdout().strip());
    }

    /**
     * The node's own kubelet unit, configured standalone (kubeadm's contract kept: a config in /var/lib/kubelet and
     * flags in /etc/default/kubelet, only the API server's kubeconfigs dropped), runs a static pod. It runs first and
     * is stopped after, as a kubelet stops pods it did not make, such as the next test's.
     */
    @Test
    @Order(1)
    void theNodesKubeletRunsAStaticPod() throws Exception {
        var kubelet = KubeletEndpoints.pick();
        var tunables = KernelTunables.save(); // the node's kubelet sets the host's: the node shares its kernel
        write("/var/lib/kubelet/config.yaml", kubelet.config("/etc/kubernetes/manifests", ""));
        write("/etc/default/kubelet", "KUBELET_EXTRA_ARGS=--hostname-override=kind-node\n");
        write("/etc/systemd/system/kubelet.service.d/20-standalone.conf", "[Service]\nEnvironment=\"KUBELET_KUBECONFIG_ARGS=\"\n");
        // a writable /proc/sys, as kind's --privileged node has, for the kubelet's kernel settings
        exec("mount -o remount,rw /proc/sys && mkdir -p /etc/kubernetes/manifests && systemctl daemon-reload"
                + " && systemctl start kubelet.service");
        try {
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (!kubelet.healthy()) {
                assertTrue(System.nanoTime() < deadline, "the node's kubelet is not healthy: "
                        + exec("journalctl --no-pager -n 100 -u kubelet.service"));
                Thread.sleep(200);
            }
            write("/etc/kubernetes/.static.yaml", """
                    apiVersion: v1
                    kind: Pod
                    metadata: {name: static}
                    spec:
                      terminationGracePeriodSeconds: 1
                      containers:
                      - {name: main, image: %s, command: [sh, -c, "exec sleep 1000"]}
                    """.formatted(Pods.busyboxReference()));
            exec("mv /etc/kubernetes/.static.yaml /etc/kubernetes/manifests/static.yaml");
            var pod = kubelet.await("static-kind-node", p -> p.phase().equals("Running") && p.ready(), "running",
                    Duration.ofSeconds(90));
            var status = cri.runtime().containerStatus(ContainerStatusRequest.newBuilder().setContainerId(pod.containerId("main"))
                    .build()).getStatus();
            assertEquals(ContainerState.CONTAINER_RUNNING, status.getState());
            exec("rm /etc/kubernetes/manifests/static.yaml");
            long gone = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (kubelet.pod("static-kind-node").isPresent() || cri.runtime().listContainers(ListContainersRequest.getDefaultInstance())
                    .getContainersList().stream().anyMatch(c -> c.getState() == ContainerState.CONTAINER_RUNNING)) {
                assertTrue(System.nanoTime() < gone, "the static pod was not stopped");
                Thread.sleep(200);
            }
            assertEquals(List.of(), KubeletNode.jcriErrors(exec("journalctl --no-pager -u kubelet.service")), "jcri's errors it logged");
        } catch (IOException | AssertionError e) {
            throw new AssertionError(e + "\nthe node's kubelet: " + exec("journalctl --no-pager -n 60 -u kubelet.service"), e);
        } finally {
            exec("systemctl stop kubelet.service");
            tunables.restore();
            cri.runtime().listPodSandbox(ListPodSandboxRequest.getDefaultInstance()).getItemsList()
                    .forEach(p -> Pods.destroy(cri, p.getId()));
            KubeletProcess.removeCgroups(); // the node shares the host's cgroups
        }
    }

    /** Writes {@code text} into the node's file {@code path}. */
    private static void write(String path, String text) {
        node.copyFileToContainer(Transferable.of(text), path);
    }

    /** Runs {@code script} in the node; returns its output, failing on a non-zero exit. */
    private static String exec(String script) throws Exception {
        var result = node.execInContainer("sh", "-c", script);
        assertEquals(0, result.getExitCode(), script + ": " + result.getStdout() + result.getStderr());
        return result.getStdout();
    }

    @Test
    @Order(2)
    void aPodFromTheTestRegistryRunsOnTheNode() throws Exception {
        var pod = PodSandboxConfig.newBuilder()
                .setMetadata(PodSandboxMetadata.newBuilder().setName("node").setNamespace("critest")
                        .setUid(UUID.randomUUID().toString()))
                .setLogDirectory("/var/log/pods/critest_node")
                .setLinux(LinuxPodSandboxConfig.getDefaultInstance())
                .build();
        podId = Pods.run(cri, pod);
        containerId = Pods.start(cri, podId, pod, Pods.shell(cri, "sleeper", "exec sleep 100000").build());

        var listed = cri.runtime().listContainers(ListContainersRequest.getDefaultInstance()).getContainersList();
        assertTrue(listed.stream().anyMatch(c -> c.getId().equals(containerId) && c.getState() == ContainerState.CONTAINER_RUNNING),
                "ListContainers shows it running: " + listed);
        var status = cri.runtime().containerStatus(ContainerStatusRequest.newBuilder().setContainerId(containerId).build()).getStatus();
        assertEquals(ContainerState.CONTAINER_RUNNING, status.getState());

        var exec = cri.runtime().execSync(ExecSyncRequest.newBuilder().setContainerId(containerId)
                .addCmd("sh").addCmd("-c").addCmd("echo hello from the node; id -u").setTimeout(30).build());
        assertEquals("hello from the node\n0\n", exec.getStdout().toStringUtf8());
        assertEquals(0, exec.getExitCode());

        var ip = cri.runtime().podSandboxStatus(PodSandboxStatusRequest.newBuilder().setPodSandboxId(podId).build())
                .getStatus().getNetwork().getIp();
        assertTrue(ip.startsWith(TestNetwork.SUBNET_PREFIX), "pod IP on " + TestNetwork.BRIDGE + ": " + ip);
        var runc = node.execInContainer("runc", "--root", "/run/jcri/runtime/runc", "state", containerId);
        assertTrue(runc.getStdout().contains("\"status\": \"running\""), "runc inside the node runs it: " + runc);
    }

    /** Runs deploy/kind/build-image for {@code tag} with the suite's kubelet; its output goes to a log that a failure shows. */
    private static String buildImage(String tag) throws IOException, InterruptedException {
        var log = dir.resolve("build-image.log");
        var kube = Files.createDirectories(dir.resolve("kube-bin"));
        Files.copy(KubeletVersion.V1_26.binary(), kube.resolve("kubelet"), StandardCopyOption.COPY_ATTRIBUTES);
        var build = new ProcessBuilder(JcridProcess.home().resolve("deploy/kind/build-image").toString(), "-k", kube.toString(), tag)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        if (!build.waitFor(BUILD_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
            build.destroyForcibly().waitFor();
            throw new IllegalStateException("build-image took over " + BUILD_TIMEOUT + ":\n" + Files.readString(log));
        }
        if (build.exitValue() != 0) {
            throw new IllegalStateException("build-image failed with " + build.exitValue() + ":\n" + Files.readString(log));
        }
        return tag;
    }

    /**
     * The capabilities the kernel has but this host's bounding set lacks. The node gets Docker's ALL less these,
     * which is the bounding set: listing it as cap-add instead would name capabilities (BPF, PERFMON) that
     * Debian's dockerd 20.10 rejects as unknown.
     */
    private static List<Capability> missingCapabilities() {
        try {
            // readAllLines, not readString: procfs reports a size of 0, and readString then stops after one byte
            int last = Integer.parseInt(Files.readAllLines(Path.of("/proc/sys/kernel/cap_last_cap")).getFirst().strip());
            long bounding = Files.readAllLines(Path.of("/proc/self/status")).stream()
                    .filter(l -> l.startsWith("CapBnd:"))
                    .mapToLong(l -> Long.parseUnsignedLong(l.substring("CapBnd:".length()).strip(), 16))
                    .findFirst().orElseThrow();
            var missing = new ArrayList<Capability>();
            for (int cap = 0; cap <= last && cap < CAPABILITIES.size(); cap++) {
                if ((bounding & (1L << cap)) == 0) {
                    missing.add(Capability.valueOf(CAPABILITIES.get(cap)));
                }
            }
            return missing;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Waits until jcrid in the node accepts connections on the bind-mounted socket; fails with its journal. */
    private static void awaitSocket(Path socket, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline && node.isRunning()) {
            if (JcridProcess.accepts(socket)) {
                return;
            }
            Thread.sleep(100);
        }
        var journal = node.isRunning()
                ? node.execInContainer("journalctl", "--no-pager", "-n", "200", "-u", "jcri.service").getStdout()
                : node.getLogs();
        throw new IllegalStateException("jcrid in the node did not open " + socket + " within " + timeout + ":\n" + journal);
    }
}
