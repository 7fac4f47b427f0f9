package jcri.image.cri;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.grpc.Status;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import jcri.api.testing.Recorder;
import jcri.api.v1.AuthConfig;
import jcri.api.v1.Image;
import jcri.api.v1.ImageFilter;
import jcri.api.v1.ImageFsInfoRequest;
import jcri.api.v1.ImageFsInfoResponse;
import jcri.api.v1.ImageSpec;
import jcri.api.v1.ImageStatusRequest;
import jcri.api.v1.ImageStatusResponse;
import jcri.api.v1.ListImagesRequest;
import jcri.api.v1.ListImagesResponse;
import jcri.api.v1.PullImageRequest;
import jcri.api.v1.PullImageResponse;
import jcri.api.v1.RemoveImageRequest;
import jcri.api.v1.RemoveImageResponse;
import jcri.image.ImageConfig;
import jcri.image.ImageManager;
import jcri.image.SnapshotUsers;
import jcri.image.content.ContentStore;
import jcri.image.content.Digests;
import jcri.image.store.ImageRecord;
import jcri.image.store.ImageStore;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The image handlers over a real {@link ImageManager} opened on a temp dir that holds two images as a
 * restart finds them (records and config blobs); pulls themselves are ImagePullTest's.
 */
class ImageServiceHandlerTest {
    private static final byte[] BUSYBOX_CONFIG = "{\"config\":{\"User\":\"1000:1000\"}}".getBytes(StandardCharsets.UTF_8);
    private static final byte[] NGINX_CONFIG = "{\"config\":{\"User\":\"nginx\"}}".getBytes(StandardCharsets.UTF_8);
    private static final String BUSYBOX = Digests.of(BUSYBOX_CONFIG);
    private static final String NGINX = Digests.of(NGINX_CONFIG);

    @TempDir
    Path root;
    private ImageServiceHandler handler;

    private static jcri.image.ImageSpec spec(String user) {
        return new jcri.image.ImageSpec(user, null, null, List.of("sh"), null, null, null, null, null);
    }

    @BeforeEach
    void setUp() throws Exception {
        var content = new ContentStore(root.resolve("content"));
        content.put(BUSYBOX, BUSYBOX_CONFIG);
        content.put(NGINX, NGINX_CONFIG);
        var orphan = "orphan blob".getBytes(StandardCharsets.UTF_8);
        content.put(Digests.of(orphan), orphan);
        var store = new ImageStore(root.resolve("images"));
        store.add(new ImageRecord(BUSYBOX, List.of("docker.io/library/busybox:1.36", "docker.io/library/busybox:latest"),
                List.of("docker.io/library/busybox@sha256:" + "b".repeat(64)), 2_000_000, List.of(BUSYBOX), List.of(), spec("1000:1000")));
        store.add(new ImageRecord(NGINX, List.of("docker.io/library/nginx:latest"), List.of(), 50_000_000, List.of(NGINX),
                List.of(), spec("nginx")));
        var manager = ImageManager.open(root, new ImageConfig(null, null, null, null, "busybox:1.36", null, "", ""), new SimpleMeterRegistry(), SnapshotUsers.NONE);
        handler = new ImageServiceHandler(manager, root);
    }

    private ImageStatusResponse status(String image, boolean verbose) {
        var r = new Recorder<ImageStatusResponse>();
        handler.imageStatus(ImageStatusRequest.newBuilder().setImage(ImageSpec.newBuilder().setImage(image)).setVerbose(verbose).build(), r);
        return r.single();
    }

    private List<String> list(String filter) {
        var r = new Recorder<ListImagesResponse>();
        var request = ListImagesRequest.newBuilder();
        if (filter != null) {
            request.setFilter(ImageFilter.newBuilder().setImage(ImageSpec.newBuilder().setImage(filter)));
        }
        handler.listImages(request.build(), r);
        return r.single().getImagesList().stream().map(Image::getId).sorted().toList();
    }

    private void remove(String image) {
        var r = new Recorder<RemoveImageResponse>();
        handler.removeImage(RemoveImageRequest.newBuilder().setImage(ImageSpec.newBuilder().setImage(image)).build(), r);
        r.single();
    }

    @Test
    void callsWithoutAnImageAreInvalid() {
        var pull = new Recorder<PullImageResponse>();
        handler.pullImage(PullImageRequest.getDefaultInstance(), pull);
        assertEquals(Status.Code.INVALID_ARGUMENT, pull.failure().getCode());
        assertEquals("image is required (ImageSpec.image is empty)", pull.failure().getDescription());
        var status = new Recorder<ImageStatusResponse>();
        handler.imageStatus(ImageStatusRequest.getDefaultInstance(), status);
        assertEquals(Status.Code.INVALID_ARGUMENT, status.failure().getCode());
        var remove = new Recorder<RemoveImageResponse>();
        handler.removeImage(RemoveImageRequest.getDefaultInstance(), remove);
        assertEquals(Status.Code.INVALID_ARGUMENT, remove.failure().getCode());
    }

    @Test
    void aPullWithBadInputFailsBeforeAnyDownload() {
        var badAuth = new Recorder<PullImageResponse>();
        handler.pullImage(PullImageRequest.newBuilder().setImage(ImageSpec.newBuilder().setImage("busybox"))
                .setAuth(AuthConfig.newBuilder().setAuth("not base64!")).build(), badAuth);
        assertEquals(Status.Code.INVALID_ARGUMENT, badAuth.failure().getCode());
        assertEquals("auth.auth is not valid base64 of 'user:password'", badAuth.failure().getDescription());

        var badReference = new Recorder<PullImageResponse>();
        handler.pullImage(PullImageRequest.newBuilder().setImage(ImageSpec.newBuilder().setImage("Busy Box")).build(), badReference);
        assertEquals(Status.Code.INVALID_ARGUMENT, badReference.failure().getCode());
    }

    @Test
    void statusOfAnUnknownImageIsAnEmptyAnswerNotAnError() {
        assertFalse(status("alpine:3", false).hasImage());
    }

    @Test
    void statusByShortTagGivesReferencesSizeNumericUserAndPinning() {
        var image = status("busybox:1.36", false).getImage();
        assertEquals(BUSYBOX, image.getId());
        assertEquals(List.of("docker.io/library/busybox:1.36", "docker.io/library/busybox:latest"), image.getRepoTagsList());
        assertEquals(2_000_000, image.getSize());
        assertEquals(1000, image.getUid().getValue(), "the user part of '1000:1000'");
        assertEquals("", image.getUsername());
        assertTrue(image.getPinned(), "the configured sandbox image");
        assertEquals(BUSYBOX, image.getSpec().getImage());
    }

    @Test
    void aNamedUserIsAUsernameAndOtherImagesAreNotPinned() {
        var image = status("nginx", false).getImage();
        assertEquals("nginx", image.getUsername());
        assertFalse(image.hasUid());
        assertFalse(image.getPinned());
    }

    @Test
    void aNumericUserTooLargeForAnIdIsAUsernameAndDoesNotBreakTheList(@TempDir Path other) throws Exception {
        var config = "{\"config\":{\"User\":\"99999999999999999999\"}}".getBytes(StandardCharsets.UTF_8);
        new ContentStore(other.resolve("content")).put(Digests.of(config), config);
        new ImageStore(other.resolve("images")).add(new ImageRecord(Digests.of(config), List.of("docker.io/library/odd:1"), List.of(), 1,
                List.of(Digests.of(config)), List.of(), spec("99999999999999999999")));
        handler = new ImageServiceHandler(ImageManager.open(other, ImageConfig.defaults(), new SimpleMeterRegistry(), SnapshotUsers.NONE), other);

        assertEquals(List.of(Digests.of(config)), list(null));
        var image = status("odd:1", false).getImage();
        assertEquals("99999999999999999999", image.getUsername());
        assertFalse(image.hasUid());
    }

    @Test
    void verboseStatusCarriesTheImageConfig() throws Exception {
        var info = new ObjectMapper().readTree(status(NGINX.substring(7, 19), true).getInfoOrThrow("info"));
        assertEquals("nginx", info.at("/imageSpec/config/User").asText());
        assertEquals("", info.path("chainID").asText());
    }

    @Test
    void listGivesAllImagesOrTheOneAFilterNames() {
        assertEquals(List.of(BUSYBOX, NGINX).stream().sorted().toList(), list(null));
        assertEquals(List.of(NGINX), list("docker.io/library/nginx:latest"));
        assertEquals(List.of(BUSYBOX), list("busybox@sha256:" + "b".repeat(64)));
        assertEquals(List.of(), list("redis"));
    }

    @Test
    void removingOneOfSeveralTagsOnlyUntagsAndRemovingTheLastTakesTheImageAndItsBlob() {
        remove("busybox:latest");
        assertEquals(List.of("docker.io/library/busybox:1.36"), status(BUSYBOX, false).getImage().getRepoTagsList());

        remove("nginx:latest");
        assertFalse(status(NGINX, false).hasImage());
        assertFalse(Files.exists(root.resolve("content/blobs/sha256/" + Digests.hex(NGINX))), "its config blob is collected");
        remove("nginx:latest"); // idempotent
    }

    @Test
    void imageFsInfoCountsTheBlobsUnderTheImageRoot() {
        var r = new Recorder<ImageFsInfoResponse>();
        handler.imageFsInfo(ImageFsInfoRequest.getDefaultInstance(), r);
        var fs = r.single().getImageFilesystems(0);
        assertEquals(root.toString(), fs.getFsId().getMountpoint());
        assertEquals(BUSYBOX_CONFIG.length + NGINX_CONFIG.length, fs.getUsedBytes().getValue(),
                "the orphan blob was collected when the manager opened");
        assertEquals(2, fs.getInodesUsed().getValue());
    }
}
