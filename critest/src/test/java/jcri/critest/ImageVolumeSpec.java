package jcri.critest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import jcri.api.v1.ContainerStatusRequest;
import jcri.api.v1.ImageSpec;
import jcri.api.v1.ImageStatusRequest;
import jcri.api.v1.ListContainersRequest;
import jcri.api.v1.ListPodSandboxRequest;
import jcri.api.v1.Mount;
import jcri.api.v1.PodSandboxConfig;
import jcri.api.v1.PullImageRequest;
import jcri.api.v1.RemoveContainerRequest;
import jcri.api.v1.RemoveImageRequest;
import jcri.image.oci.MediaTypes.Compression;
import jcri.image.testing.ImageBuilder;
import jcri.image.testing.LayerBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Image volumes (the kubelet's ImageVolume feature): a CRI mount with {@code image} set shows that image's files,
 * read-only, at its container path, or the directory {@code image_sub_path} names; the image cannot be removed while
 * a container mounts it, and nothing of the volume stays once the container or its pod goes.
 */
class ImageVolumeSpec {
    private final CriClient cri = Target.client();
    private final List<String> pods = new ArrayList<>();
    private String volume;
    private PodSandboxConfig pod;
    private String podId;

    /** Two layers (so the view is an overlay): files, a directory, and links that stay inside the image or lead out. */
    @BeforeEach
    void setUp() {
        var base = new LayerBuilder().file("hello.txt", "from the image").dir("sub").file("sub/inner.txt", "inside sub")
                .symlink("link", "sub").symlink("escape", "/etc").symlink("up", "../..").dir("deep").symlink("deep/back", "../sub");
        var top = new LayerBuilder().file("second.txt", "second layer");
        volume = TestRegistry.push("critest/image-volume", "v1", ImageBuilder.oci().layer(base, Compression.GZIP)
                .layer(top, Compression.GZIP).build());
        cri.images().pullImage(PullImageRequest.newBuilder().setImage(spec(volume)).build());
        pod = Pods.config("imgvol").build();
        podId = Pods.run(cri, pod);
        pods.add(podId);
    }

    @AfterEach
    void cleanUp() {
        pods.forEach(p -> Pods.destroy(cri, p));
        cri.images().removeImage(RemoveImageRequest.newBuilder().setImage(spec(volume)).build());
    }

    private static ImageSpec spec(String reference) {
        return ImageSpec.newBuilder().setImage(reference).build();
    }

    private static Mount image(String reference, String subPath) {
        return Mount.newBuilder().setContainerPath("/data").setImage(spec(reference)).setImageSubPath(subPath).setReadonly(true).build();
    }

    private String started(String name, String script, Mount mount) {
        return Pods.start(cri, podId, pod, Pods.shell(cri, name, script).addMounts(mount).build());
    }

    private List<String> output(String id, String name) throws Exception {
        return Logs.afterExit(cri, id, java.nio.file.Path.of(pod.getLogDirectory(), name + ".log"));
    }

    @Test
    void theImageIsMountedReadOnlyAndStatusShowsTheMountAsGiven() throws Exception {
        var mount = image(volume, "");
        var id = started("reader", "echo $(cat /data/hello.txt); echo $(cat /data/second.txt); touch /data/new 2>/dev/null || echo read-only",
                mount);
        assertEquals(List.of("from the image", "second layer", "read-only"), output(id, "reader"));
        var status = cri.runtime().containerStatus(ContainerStatusRequest.newBuilder().setContainerId(id).build()).getStatus();
        assertEquals(List.of(mount), status.getMountsList());
    }

    @Test
    void aSubPathMountsThatDirectoryFollowingLinksInsideTheImage() throws Exception {
        var id = started("sub", "echo $(cat /data/inner.txt)", image(volume, "sub"));
        assertEquals(List.of("inside sub"), output(id, "sub"));
        var linked = started("linked", "echo $(cat /data/inner.txt)", image(volume, "deep/back"));
        assertEquals(List.of("inside sub"), output(linked, "linked"));
        var oneLayer = started("one-layer", "ls /data/busybox", image(Pods.busybox(cri), "bin"));
        assertEquals(List.of("/data/busybox"), output(oneLayer, "one-layer"), "a one-layer image's view is a bind of the layer");
    }

    @Test
    void subPathsThatAreMissingNotDirectoriesOrLeadOutAreRefused() {
        for (var subPath : List.of("missing", "hello.txt", "../..", "/sub", "escape", "up/etc")) {
            var e = assertThrows(StatusRuntimeException.class,
                    () -> Pods.create(cri, podId, pod, Pods.shell(cri, "bad", "true").addMounts(image(volume, subPath)).build()), subPath);
            assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode(), subPath + ": " + e.getStatus());
            assertTrue(e.getStatus().getDescription().contains("image_sub_path"), e.getStatus().getDescription());
        }
        assertNoLeaks();
    }

    @Test
    void anImageThatIsNotPulledIsNotFound() {
        var missing = TestRegistry.get().host() + "/critest/never-pulled:v1";
        var e = assertThrows(StatusRuntimeException.class,
                () -> Pods.create(cri, podId, pod, Pods.shell(cri, "missing", "true").addMounts(image(missing, "")).build()));
        assertEquals(Status.Code.NOT_FOUND, e.getStatus().getCode(), e.getStatus().toString());
        assertTrue(e.getStatus().getDescription().contains(missing), e.getStatus().getDescription());
        assertNoLeaks();
    }

    @Test
    void theImageStaysWhileAContainerMountsItAndGoesAfter() throws Exception {
        var id = started("holder", "sleep 1000", image(volume, ""));
        var imageId = cri.images().imageStatus(ImageStatusRequest.newBuilder().setImage(spec(volume)).build()).getImage().getId();
        var e = assertThrows(StatusRuntimeException.class,
                () -> cri.images().removeImage(RemoveImageRequest.newBuilder().setImage(spec(imageId)).build()));
        assertEquals(Status.Code.FAILED_PRECONDITION, e.getStatus().getCode(), e.getStatus().toString());
        assertTrue(e.getStatus().getDescription().contains(id), e.getStatus().getDescription());
        cri.runtime().removeContainer(RemoveContainerRequest.newBuilder().setContainerId(id).build());
        assertNoLeaks();
        cri.images().removeImage(RemoveImageRequest.newBuilder().setImage(spec(imageId)).build());
        assertFalse(cri.images().imageStatus(ImageStatusRequest.newBuilder().setImage(spec(imageId)).build()).hasImage());
    }

    @Test
    void removingThePodReleasesItsContainersImageVolumes() {
        started("in-pod", "sleep 1000", image(volume, "sub"));
        started("in-pod-2", "sleep 1000", image(volume, ""));
        Pods.destroy(cri, podId);
        pods.remove(podId);
        assertNoLeaks();
    }

    @Test
    void aCrashInCreateContainerAndARestartLeaveNoImageVolumeBehind() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeFalse(Target.external(), "killing someone else's runtime is not this suite's business");
        var dir = Scratch.dir("critest-imgvol-");
        TestNetwork.forExtraDaemon(dir.resolve("net.d"), dir.resolve("ipam"));
        var crashPod = Pods.config("imgvol-crash").build();
        var config = Pods.shell(cri, "c", "exec sleep 1000").addMounts(image(volume, "sub")).build();
        try (var jcrid = JcridProcess.startPausingAfter(dir, "runc_create"); var own = new CriClient(jcrid.endpoint())) {
            pull(own, config.getImage().getImage());
            pull(own, volume);
            var id = Pods.run(own, crashPod);
            CompletableFuture.runAsync(() -> Pods.create(own, id, crashPod, config));
            jcrid.awaitPause(Duration.ofSeconds(30));
            jcrid.kill();
        }
        try (var jcrid = JcridProcess.start(dir, ""); var own = new CriClient(jcrid.endpoint())) {
            assertEquals(List.of(), Leaks.find(own, dir, "critest-imgvol-none"), "the half-made container's view is released");
            var id = own.runtime().listPodSandbox(ListPodSandboxRequest.getDefaultInstance()).getItems(0).getId();
            Pods.start(own, id, crashPod, config);
            jcrid.kill();
        }
        try (var jcrid = JcridProcess.start(dir, ""); var own = new CriClient(jcrid.endpoint())) {
            var id = own.runtime().listPodSandbox(ListPodSandboxRequest.getDefaultInstance()).getItems(0).getId();
            assertEquals(1, own.runtime().listContainers(ListContainersRequest.getDefaultInstance()).getContainersCount());
            Pods.destroy(own, id);
            assertEquals(List.of(), Leaks.find(own, dir, "critest-imgvol-none"), "the running container's view goes with its pod");
        }
    }

    private static void pull(CriClient client, String reference) {
        client.images().pullImage(PullImageRequest.newBuilder().setImage(spec(reference)).build());
    }

    /** Nothing left (mounts, views, bundles) that belongs to no live container or pod, when the suite runs its own jcrid. */
    private void assertNoLeaks() {
        Target.daemon().ifPresent(d -> assertEquals(List.of(), Leaks.find(cri, d.dir(), "critest-imgvol-none")));
    }
}
