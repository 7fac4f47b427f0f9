package jcri.critest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Files;
import jcri.api.v1.ImageFilter;
import jcri.api.v1.ImageFsInfoRequest;
import jcri.api.v1.ImageSpec;
import jcri.api.v1.ImageStatusRequest;
import jcri.api.v1.ListImagesRequest;
import jcri.api.v1.PullImageRequest;
import jcri.api.v1.RemoveImageRequest;
import jcri.image.testing.TestImages;
import org.junit.jupiter.api.Test;

/** critest "image manager": PullImage, ListImages, ImageStatus, RemoveImage, ImageFsInfo over the socket. */
class ImageManagerSpec {
    private final CriClient cri = Target.client();

    private String pull(String reference) {
        return cri.images().pullImage(PullImageRequest.newBuilder().setImage(spec(reference)).build()).getImageRef();
    }

    private static ImageSpec spec(String reference) {
        return ImageSpec.newBuilder().setImage(reference).build();
    }

    private jcri.api.v1.ImageStatusResponse status(String reference) {
        return cri.images().imageStatus(ImageStatusRequest.newBuilder().setImage(spec(reference)).build());
    }

    private void remove(String reference) {
        cri.images().removeImage(RemoveImageRequest.newBuilder().setImage(spec(reference)).build());
    }

    @Test
    void pullByTagThenStatusListAndRemove() {
        var built = TestImages.busyboxBuilder().label("spec", "tag").build();
        var reference = TestRegistry.push("critest/tagged", "v1", built);
        var id = pull(reference);
        var image = status(reference).getImage();
        assertEquals(id, image.getId());
        assertTrue(image.getRepoTagsList().contains(reference), image.getRepoTagsList().toString());
        assertTrue(image.getSize() > 0);
        var listed = cri.images().listImages(ListImagesRequest.getDefaultInstance()).getImagesList();
        assertTrue(listed.stream().anyMatch(i -> i.getId().equals(id)));
        var filtered = cri.images().listImages(ListImagesRequest.newBuilder()
                .setFilter(ImageFilter.newBuilder().setImage(spec(reference))).build()).getImagesList();
        assertEquals(1, filtered.size());
        assertEquals(id, filtered.getFirst().getId());
        remove(reference);
        assertFalse(status(reference).hasImage(), "image gone after RemoveImage");
        assertFalse(status(id).hasImage());
    }

    @Test
    void pullWithoutTagMeansLatest() {
        var built = TestImages.busyboxBuilder().label("spec", "latest").build();
        TestRegistry.push("critest/untagged", "latest", built);
        var bare = TestRegistry.get().host() + "/critest/untagged";
        var id = pull(bare);
        assertEquals(id, status(bare + ":latest").getImage().getId());
        assertTrue(status(bare).getImage().getRepoTagsList().contains(bare + ":latest"));
        remove(id);
    }

    @Test
    void pullByDigestRecordsTheRepoDigest() throws Exception {
        var built = TestImages.busyboxBuilder().label("spec", "digest").build();
        var digest = TestRegistry.get().push("critest/digested", "v1", built);
        var byDigest = TestRegistry.get().host() + "/critest/digested@" + digest;
        var id = pull(byDigest);
        var image = status(byDigest).getImage();
        assertEquals(id, image.getId());
        assertTrue(image.getRepoDigestsList().contains(byDigest), image.getRepoDigestsList().toString());
        remove(byDigest);
        assertFalse(status(id).hasImage());
    }

    @Test
    void statusGivesUidForNumericUsersAndUsernameForNamedOnes() {
        var numeric = TestRegistry.push("critest/users", "numeric", TestImages.busyboxBuilder().user("1002:1002").build());
        var named = TestRegistry.push("critest/users", "named", TestImages.busyboxBuilder().user("www").build());
        pull(numeric);
        pull(named);
        var n = status(numeric).getImage();
        assertEquals(1002, n.getUid().getValue());
        assertEquals("", n.getUsername());
        var w = status(named).getImage();
        assertEquals("www", w.getUsername());
        assertFalse(w.hasUid());
        remove(numeric);
        remove(named);
    }

    @Test
    void verboseStatusCarriesTheImageConfig() {
        var reference = TestRegistry.push("critest/verbose", "v1", TestImages.busyboxBuilder().entrypoint("/bin/sh").build());
        pull(reference);
        var info = cri.images().imageStatus(ImageStatusRequest.newBuilder().setImage(spec(reference)).setVerbose(true).build())
                .getInfoMap().get("info");
        assertTrue(info != null && info.contains("\"Entrypoint\":[\"/bin/sh\"]"), String.valueOf(info));
        remove(reference);
    }

    @Test
    void unknownImagesAreNotErrorsForStatusAndRemove() {
        var missing = TestRegistry.get().host() + "/critest/never-pulled:v1";
        assertFalse(status(missing).hasImage());
        remove(missing);
        remove(missing);
    }

    @Test
    void badReferencesAndMissingImagesGetClearCodes() {
        var invalid = assertThrows(StatusRuntimeException.class, () -> pull("UPPER/case"));
        Target.assertJcriCode(Status.Code.INVALID_ARGUMENT, invalid);
        var empty = assertThrows(StatusRuntimeException.class, () -> pull(""));
        Target.assertJcriCode(Status.Code.INVALID_ARGUMENT, empty);
        var missing = assertThrows(StatusRuntimeException.class, () -> pull(TestRegistry.get().host() + "/critest/none:v1"));
        Target.assertJcriCode(Status.Code.NOT_FOUND, missing);
    }

    @Test
    void imageFsInfoReportsUsage() {
        var reference = TestRegistry.push("critest/fsinfo", "v1", TestImages.busybox());
        pull(reference);
        var fs = cri.images().imageFsInfo(ImageFsInfoRequest.getDefaultInstance()).getImageFilesystemsList();
        assertFalse(fs.isEmpty());
        assertTrue(fs.getFirst().getUsedBytes().getValue() > 1_000_000, "busybox is over 1 MB");
        assertTrue(fs.getFirst().getInodesUsed().getValue() > 10);
        assertFalse(fs.getFirst().getFsId().getMountpoint().isEmpty());
        assertTrue(fs.getFirst().getTimestamp() > 0);
    }

    @Test
    void pulledImagesSurviveARestart() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeFalse(Target.external(), "restarting someone else's runtime is not this suite's business");
        var reference = TestRegistry.push("critest/restart", "v1", TestImages.busybox());
        var dir = Scratch.dir("critest-restart-");
        String id;
        try (var jcrid = JcridProcess.start(dir, ""); var client = new CriClient(jcrid.endpoint())) {
            id = client.images().pullImage(PullImageRequest.newBuilder().setImage(spec(reference)).build()).getImageRef();
        }
        try (var jcrid = JcridProcess.start(dir, ""); var client = new CriClient(jcrid.endpoint())) {
            var image = client.images().imageStatus(ImageStatusRequest.newBuilder().setImage(spec(reference)).build()).getImage();
            assertEquals(id, image.getId());
            client.images().removeImage(RemoveImageRequest.newBuilder().setImage(spec(id)).build());
            try (var left = Files.list(dir.resolve("root/snapshots/s"))) {
                assertEquals(0, left.count(), "layers removed with the image");
            }
        }
    }
}
