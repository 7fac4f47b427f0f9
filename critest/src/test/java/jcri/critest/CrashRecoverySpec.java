package jcri.critest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import jcri.api.v1.ContainerState;
import jcri.api.v1.ContainerStatusRequest;
import jcri.api.v1.CreateContainerRequest;
import jcri.api.v1.ImageSpec;
import jcri.api.v1.ListContainersRequest;
import jcri.api.v1.ListImagesRequest;
import jcri.api.v1.ListPodSandboxRequest;
import jcri.api.v1.PodSandboxState;
import jcri.api.v1.PodSandboxStatusRequest;
import jcri.api.v1.PullImageRequest;
import jcri.api.v1.StopPodSandboxRequest;
import jcri.api.v1.LinuxPodSandboxConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * jcrid SIGKILLed in the middle of an operation (held at a named step by the
 * {@code jcri.test.pause-after} hook), then restarted: the half-made object is completed or
 * released, nothing leaks, and the same operation works again.
 */
class CrashRecoverySpec {
    private static final String CGROUP_PARENT = "critest-crash-" + ProcessHandle.current().pid();
    private Path dir;

    @BeforeEach
    void dir() throws Exception {
        Assumptions.assumeFalse(Target.external(), "killing someone else's runtime is not this suite's business");
        dir = Scratch.dir("critest-crash-");
        TestNetwork.forExtraDaemon(dir.resolve("net.d"), dir.resolve("ipam"));
    }

    @AfterAll
    static void removeCgroups() {
        Leaks.removeCgroup(CGROUP_PARENT);
    }

    /** A pod in this spec's own cgroup, so the leak check sees only this spec's cgroups. */
    private static jcri.api.v1.PodSandboxConfig pod(String name) {
        return Pods.config(name).setLinux(LinuxPodSandboxConfig.newBuilder().setCgroupParent("/" + CGROUP_PARENT)).build();
    }

    @Test
    void killedDuringRunPodSandboxAfterCniAdd() throws Exception {
        var pod = pod("crash-run");
        crashDuring("cni_add", cri -> Pods.run(cri, pod));
        try (var jcrid = JcridProcess.start(dir, ""); var cri = new CriClient(jcrid.endpoint())) {
            assertEquals(0, cri.runtime().listPodSandbox(ListPodSandboxRequest.getDefaultInstance()).getItemsCount());
            assertEquals(List.of(), Leaks.find(cri, dir, CGROUP_PARENT), "what the half-made pod held is released");
            var podId = Pods.run(cri, pod); // its name is free again
            Pods.destroy(cri, podId);
            assertEquals(List.of(), Leaks.find(cri, dir, CGROUP_PARENT));
        }
    }

    @Test
    void killedDuringCreateContainerAfterRuncCreate() throws Exception {
        var pod = pod("crash-create");
        String podId;
        jcri.api.v1.ContainerConfig config;
        try (var jcrid = JcridProcess.startPausingAfter(dir, "runc_create"); var cri = new CriClient(jcrid.endpoint())) {
            config = Pods.shell(cri, "c", "exec sleep 1000").build();
            podId = Pods.run(cri, pod);
            var id = podId;
            CompletableFuture.runAsync(() -> cri.runtime().createContainer(CreateContainerRequest.newBuilder()
                    .setPodSandboxId(id).setConfig(config).setSandboxConfig(pod).build()));
            jcrid.awaitPause(Duration.ofSeconds(30));
            jcrid.kill();
        }
        try (var jcrid = JcridProcess.start(dir, ""); var cri = new CriClient(jcrid.endpoint())) {
            assertEquals(0, cri.runtime().listContainers(ListContainersRequest.getDefaultInstance()).getContainersCount());
            assertEquals(List.of(), Leaks.find(cri, dir, CGROUP_PARENT), "conmon, runc state, rootfs and snapshot released");
            var id = Pods.start(cri, podId, pod, config);
            assertEquals(ContainerState.CONTAINER_RUNNING, cri.runtime().containerStatus(ContainerStatusRequest.newBuilder()
                    .setContainerId(id).build()).getStatus().getState());
            Pods.destroy(cri, podId);
            assertEquals(List.of(), Leaks.find(cri, dir, CGROUP_PARENT));
        }
    }

    @Test
    void killedDuringPullImageAfterALayerIsUnpacked() throws Exception {
        var image = Pods.busyboxReference();
        crashDuring("layer_unpack", cri -> cri.images().pullImage(PullImageRequest.newBuilder()
                .setImage(ImageSpec.newBuilder().setImage(image)).build()));
        try (var jcrid = JcridProcess.start(dir, ""); var cri = new CriClient(jcrid.endpoint())) {
            assertEquals(0, cri.images().listImages(ListImagesRequest.getDefaultInstance()).getImagesCount());
            var snapshots = new com.fasterxml.jackson.databind.ObjectMapper()
                    .readTree(dir.resolve("root/snapshots/meta/snapshots.json").toFile()).path("snapshots");
            assertEquals(0, snapshots.size(), "the unpacked layer of an image never recorded is collected: " + snapshots);
            try (var blobs = Files.walk(dir.resolve("root/content/blobs"))) {
                assertEquals(0, blobs.filter(Files::isRegularFile).count(), "and its blobs");
            }
            Pods.busybox(cri);
            assertEquals(1, cri.images().listImages(ListImagesRequest.getDefaultInstance()).getImagesCount());
        }
    }

    @Test
    void killedDuringStopPodSandboxAfterStoppingAContainer() throws Exception {
        var pod = pod("crash-stop");
        String podId;
        String id;
        try (var jcrid = JcridProcess.startPausingAfter(dir, "container_stop"); var cri = new CriClient(jcrid.endpoint())) {
            Pods.busybox(cri);
            podId = Pods.run(cri, pod);
            var config = Pods.shell(cri, "c", "trap 'exit 3' TERM; echo ready; sleep 1000 & wait").build();
            id = Pods.start(cri, podId, pod, config);
            Logs.await(Pods.log(pod, config), "ready", Duration.ofSeconds(30)); // the trap is set
            var target = podId;
            CompletableFuture.runAsync(() -> cri.runtime().stopPodSandbox(StopPodSandboxRequest.newBuilder()
                    .setPodSandboxId(target).build()));
            jcrid.awaitPause(Duration.ofSeconds(30));
            jcrid.kill();
        }
        try (var jcrid = JcridProcess.start(dir, ""); var cri = new CriClient(jcrid.endpoint())) {
            var status = cri.runtime().containerStatus(ContainerStatusRequest.newBuilder().setContainerId(id).build()).getStatus();
            assertEquals(ContainerState.CONTAINER_EXITED, status.getState());
            assertEquals(3, status.getExitCode());
            assertEquals(PodSandboxState.SANDBOX_READY, cri.runtime().podSandboxStatus(PodSandboxStatusRequest.newBuilder()
                    .setPodSandboxId(podId).build()).getStatus().getState(), "the stop never finished, so it is asked again");
            Pods.destroy(cri, podId);
            assertEquals(List.of(), Leaks.find(cri, dir, CGROUP_PARENT));
            try (var leases = Files.list(dir.resolve("ipam/jcritest"))) {
                assertTrue(leases.noneMatch(p -> p.getFileName().toString().startsWith(TestNetwork.SUBNET_PREFIX)), "IP released");
            }
        }
    }

    /** Starts jcrid pausing after {@code step}, runs {@code operation} until it pauses there, and SIGKILLs jcrid. */
    private void crashDuring(String step, java.util.function.Consumer<CriClient> operation) throws Exception {
        try (var jcrid = JcridProcess.startPausingAfter(dir, step); var cri = new CriClient(jcrid.endpoint())) {
            CompletableFuture.runAsync(() -> operation.accept(cri));
            jcrid.awaitPause(Duration.ofSeconds(30));
            jcrid.kill();
        }
    }
}
