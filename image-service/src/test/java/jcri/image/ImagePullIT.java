package jcri.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import jcri.api.CriException;
import jcri.image.oci.MediaTypes.Compression;
import jcri.image.registry.Credentials;
import jcri.image.testing.ImageBuilder;
import jcri.image.testing.LayerBuilder;
import jcri.image.testing.RegistryFixture;
import jcri.image.testing.TestImages;
import jcri.linux.LinuxCalls;
import jcri.snapshot.MountTable;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Pulls from a real registry process on loopback into real overlay snapshots. */
class ImagePullIT {
    private static Path work;
    private static RegistryFixture registry;
    private Path root;
    private ImageManager images;

    @BeforeAll
    static void startRegistry() throws Exception {
        work = Files.createDirectories(Path.of("/tmp/jip" + ProcessHandle.current().pid()));
        registry = RegistryFixture.start(work.resolve("registry"));
    }

    @AfterAll
    static void stopRegistry() throws Exception {
        registry.close();
        new ProcessBuilder("rm", "-rf", work.toString()).start().waitFor();
    }

    @BeforeEach
    void open() throws Exception {
        root = Files.createTempDirectory(work, "r");
        images = open(new ImageConfig(2, 256L << 20, 50, 0, "", Map.of(), "", ""));
    }

    private ImageManager open(ImageConfig config) {
        return ImageManager.open(root, config, new SimpleMeterRegistry(), SnapshotUsers.NONE);
    }

    @AfterEach
    void cleanUp() throws Exception {
        for (var mount : MountTable.mountsUnder(work)) {
            MountTable.unmount(mount);
        }
    }

    private String ref(String repo, String tag) {
        return registry.host() + "/" + repo + ":" + tag;
    }

    /** Mounts a read-only view of an image's top layer and returns where. */
    private Path view(LocalImage image) throws Exception {
        var target = Files.createTempDirectory(work, "view");
        MountTable.mountAll(images.snapshotter().view("view-" + target.getFileName(), image.chainId()), target);
        return target;
    }

    @Test
    void pullsByTagDigestAndIndexAndSharesLayers() throws Exception {
        var built = TestImages.busyboxBuilder().user("www").build();
        var digest = registry.push("test/busybox", "1", built);
        var image = images.pull(ref("test/busybox", "1"), Credentials.ANONYMOUS);
        assertEquals(built.id(), image.id());
        assertEquals(List.of(ref("test/busybox", "1")), image.repoTags());
        assertEquals(List.of(registry.host() + "/test/busybox@" + digest), image.repoDigests());
        assertEquals("www", image.spec().user());
        var byDigest = images.pull(registry.host() + "/test/busybox@" + digest, Credentials.ANONYMOUS);
        assertEquals(image.id(), byDigest.id());
        assertEquals(image.id(), images.find(registry.host() + "/test/busybox@" + digest).orElseThrow().id());
        assertEquals(image.id(), images.find(image.id().substring(7, 19)).orElseThrow().id(), "short id prefix");

        var arm = TestImages.busyboxBuilder().platform("linux", "arm64", "v8").label("arch", "arm").build();
        var amd = TestImages.busyboxBuilder().label("arch", "amd").build();
        registry.pushIndex("test/multi", "latest", ImageBuilder.index(false, List.of(arm, amd)), List.of(arm, amd));
        var multi = images.pull(registry.host() + "/test/multi", Credentials.ANONYMOUS);
        assertEquals(amd.id(), multi.id(), "the linux/amd64 entry of the index");
        assertEquals(image.chainId(), multi.chainId(), "same layer, same snapshot");
        assertEquals(1, images.snapshotter().list().size(), "one shared layer snapshot for both images");

        var mounted = view(image);
        assertTrue(Files.isExecutable(mounted.resolve("bin/busybox")));
        assertEquals("busybox", Files.readSymbolicLink(mounted.resolve("bin/sh")).toString());
        assertEquals(01777, (int) Files.getAttribute(mounted.resolve("tmp"), "unix:mode") & 07777);
    }

    @Test
    void dockerSchema2AndZstdAndUncompressedLayers() throws Exception {
        var docker = ImageBuilder.docker().layer(TestImages.busyboxLayer(), Compression.GZIP).user("1000:1000").build();
        registry.push("test/docker", "v1", docker);
        assertEquals(docker.id(), images.pull(ref("test/docker", "v1"), Credentials.ANONYMOUS).id());
        var zstd = ImageBuilder.oci().layer(new LayerBuilder().file("z", "zstd"), Compression.ZSTD)
                .layer(new LayerBuilder().file("plain", "none"), Compression.NONE).build();
        registry.push("test/zstd", "v1", zstd);
        var image = images.pull(ref("test/zstd", "v1"), Credentials.ANONYMOUS);
        var mounted = view(image);
        assertEquals("zstd", Files.readString(mounted.resolve("z")));
        assertEquals("none", Files.readString(mounted.resolve("plain")));
    }

    @Test
    void whiteoutsOpaqueDirsHardLinksOwnersAndXattrs() throws Exception {
        var built = ImageBuilder.oci()
                .layer(new LayerBuilder().file("gone", "x").dir("opaque").file("opaque/old", "o").file("keep", "k")
                        .dir("long").file("long/" + "n".repeat(150), "long name"), Compression.GZIP)
                .layer(new LayerBuilder().whiteout("gone").opaque("opaque").file("opaque/new", "n")
                        .file("owned", "o".getBytes(StandardCharsets.UTF_8), 04755, 1234, 5678)
                        .hardlink("keep-link", "keep")
                        .fileWithXattr("attr", "a", "user.jcri", "value")
                        .charDevice("dev-null", 1, 3), Compression.GZIP)
                .build();
        registry.push("test/whiteout", "v1", built);
        var mounted = view(images.pull(ref("test/whiteout", "v1"), Credentials.ANONYMOUS));
        assertFalse(Files.exists(mounted.resolve("gone"), LinkOption.NOFOLLOW_LINKS));
        assertFalse(Files.exists(mounted.resolve("opaque/old")));
        assertEquals("n", Files.readString(mounted.resolve("opaque/new")));
        assertEquals("k", Files.readString(mounted.resolve("keep-link")), "hard link to a lower-layer file");
        assertEquals("long name", Files.readString(mounted.resolve("long/" + "n".repeat(150))));
        assertEquals(1234, Files.getAttribute(mounted.resolve("owned"), "unix:uid"));
        assertEquals(5678, Files.getAttribute(mounted.resolve("owned"), "unix:gid"));
        assertEquals(04755, (int) Files.getAttribute(mounted.resolve("owned"), "unix:mode") & 07777, "setuid kept");
        assertEquals("value", new String(LinuxCalls.lgetxattr(mounted.resolve("attr").toString(), "user.jcri"), StandardCharsets.UTF_8));
        assertEquals(LinuxCalls.makedev(1, 3), (long) Files.getAttribute(mounted.resolve("dev-null"), "unix:rdev"));
    }

    @Test
    void hostileLayersAreRejectedAndWriteNothingOutside() throws Exception {
        var outside = work.resolve("outside");
        Files.createDirectories(outside);
        var escapes = List.of(
                new LayerBuilder().raw("../../../../../../" + outside.resolve("dotdot"), TarConstants.LF_NORMAL, null, new byte[] {1}),
                new LayerBuilder().raw("a/../../escape", TarConstants.LF_NORMAL, null, new byte[] {1}),
                new LayerBuilder().hardlink("link", "../../../../../../etc/passwd"));
        int n = 0;
        for (var layer : escapes) {
            var built = TestImages.busyboxBuilder().layer(layer, Compression.GZIP).build();
            var tag = "e" + n++;
            registry.push("test/hostile", tag, built);
            var e = assertThrows(CriException.class, () -> images.pull(ref("test/hostile", tag), Credentials.ANONYMOUS));
            assertEquals(Status.Code.INVALID_ARGUMENT, e.code(), e.getMessage());
            assertTrue(e.getMessage().contains("outside the image root"), e.getMessage());
        }
        // symlinks are followed inside the snapshot: an absolute or climbing link lands in the image
        var confined = TestImages.busyboxBuilder().layer(new LayerBuilder()
                .symlink("evil", outside.toString())
                .raw("evil/absolute", TarConstants.LF_NORMAL, null, "in".getBytes(StandardCharsets.UTF_8))
                .symlink("up", "../../../../../../../..")
                .raw("up" + outside + "/climb", TarConstants.LF_NORMAL, null, "in".getBytes(StandardCharsets.UTF_8))
                .raw("/" + outside.getFileName() + "-abs", TarConstants.LF_NORMAL, null, "in".getBytes(StandardCharsets.UTF_8)),
                Compression.GZIP).build();
        registry.push("test/hostile", "confined", confined);
        var image = images.pull(ref("test/hostile", "confined"), Credentials.ANONYMOUS);
        try (var left = Files.list(outside)) {
            assertEquals(0, left.count(), "nothing written outside the snapshot");
        }
        var mounted = view(image);
        assertEquals("in", Files.readString(mounted.resolve(outside.toString().substring(1)).resolve("absolute")));
        assertEquals("in", Files.readString(mounted.resolve(outside.toString().substring(1)).resolve("climb")));
        assertEquals("in", Files.readString(mounted.resolve(outside.getFileName() + "-abs")));
        assertEquals(2, images.snapshotter().list().stream().filter(i -> i.key().startsWith("view-")).count() + 1,
                "no extract snapshots left behind by the rejected pulls");
    }

    @Test
    void digestMismatchFailsAndStoresNothing() throws Exception {
        var built = ImageBuilder.oci().layer(new LayerBuilder().randomFile("r", 100_000, 1), Compression.GZIP).build();
        registry.push("test/corrupt", "v1", built);
        registry.corruptBlob(built.layers().getFirst().blob().digest());
        var e = assertThrows(CriException.class, () -> images.pull(ref("test/corrupt", "v1"), Credentials.ANONYMOUS));
        assertEquals(Status.Code.DATA_LOSS, e.code(), e.getMessage());
        assertTrue(e.getMessage().contains("digest mismatch"), e.getMessage());
        try (var blobs = Files.list(root.resolve("content/blobs/sha256"))) {
            assertFalse(blobs.anyMatch(b -> built.layers().getFirst().blob().digest().endsWith(b.getFileName().toString())));
        }
        try (var ingest = Files.list(root.resolve("content/ingest"))) {
            assertEquals(0, ingest.count());
        }
        assertEquals(List.of(), images.snapshotter().list());
    }

    @Test
    void aRefusedImageLeavesNothingOnDisk() throws Exception {
        var built = TestImages.busyboxBuilder()
                .layer(new LayerBuilder().raw("a/../../escape", TarConstants.LF_NORMAL, null, new byte[] {1}), Compression.GZIP).build();
        registry.push("test/refused", "v1", built);
        var e = assertThrows(CriException.class, () -> images.pull(ref("test/refused", "v1"), Credentials.ANONYMOUS));
        assertEquals(Status.Code.INVALID_ARGUMENT, e.code(), e.getMessage());
        long deadline = System.nanoTime() + 10_000_000_000L; // the clean-up runs once the failure is answered
        while (!blobs().isEmpty() || !images.snapshotter().list().isEmpty()) {
            assertTrue(System.nanoTime() < deadline, "left after the refused pull: " + blobs() + " " + images.snapshotter().list());
            Thread.sleep(20);
        }
    }

    private List<Path> blobs() throws Exception {
        try (var blobs = Files.list(root.resolve("content/blobs/sha256"))) {
            return blobs.toList();
        }
    }

    @Test
    void aNameLongerThanNameMaxIsBadContentNotWorthARetry() throws Exception {
        var built = ImageBuilder.oci().layer(new LayerBuilder().file("d/" + "n".repeat(256), "x"), Compression.GZIP).build();
        registry.push("test/long-name", "v1", built);
        var e = assertThrows(CriException.class, () -> images.pull(ref("test/long-name", "v1"), Credentials.ANONYMOUS));
        assertEquals(Status.Code.INVALID_ARGUMENT, e.code(), e.getMessage());
        assertTrue(e.getMessage().contains("NAME_MAX"), e.getMessage());
    }

    /** 2 GiB of zeros in one gzip layer (about 2 MB): built once, shared by the bomb and timeout tests. */
    private static synchronized void pushZeros() throws Exception {
        if (zerosPushed) {
            return;
        }
        registry.push("test/zeros", "v1", ImageBuilder.oci().layer(new LayerBuilder().zeroFile("zeros", 2L << 30), Compression.GZIP).build());
        zerosPushed = true;
    }

    private static boolean zerosPushed;

    @Test
    void decompressionBombStopsEarlyAndLeavesNoSnapshot() throws Exception {
        images = open(new ImageConfig(2, 96L << 20, 10, 0, "", Map.of(), "", ""));
        pushZeros();
        long started = System.nanoTime();
        var e = assertThrows(CriException.class, () -> images.pull(ref("test/zeros", "v1"), Credentials.ANONYMOUS));
        long ms = (System.nanoTime() - started) / 1_000_000;
        assertTrue(e.getMessage().contains("expands past"), e.getMessage());
        assertTrue(ms < 10_000, "failed after " + ms + " ms");
        assertEquals(List.of(), images.snapshotter().list());
        try (var dirs = Files.list(root.resolve("snapshots/s"))) {
            assertEquals(0, dirs.count(), "partial layer directory removed");
        }
    }

    @Test
    void basicAuthAndRefusedCredentials() throws Exception {
        try (var secured = RegistryFixture.startWithBasicAuth(work.resolve("secured"), "alice", "wonderland")) {
            secured.push("private/app", "v1", TestImages.busybox());
            var reference = secured.host() + "/private/app:v1";
            var anonymous = assertThrows(CriException.class, () -> images.pull(reference, Credentials.ANONYMOUS));
            assertEquals(Status.Code.UNAUTHENTICATED, anonymous.code(), anonymous.getMessage());
            var wrong = assertThrows(CriException.class, () -> images.pull(reference, Credentials.of("alice", "nope", "", "", "")));
            assertTrue(wrong.getMessage().contains("refused the credentials of user 'alice'"), wrong.getMessage());
            var auth = java.util.Base64.getEncoder().encodeToString("alice:wonderland".getBytes(StandardCharsets.UTF_8));
            assertEquals(TestImages.busybox().id(), images.pull(reference, Credentials.of("", "", auth, "", "")).id());
        }
    }

    @Test
    void theNodeAuthFileServesPullsThatBringNoCredentialsAndIsReadAtEachPull() throws Exception {
        try (var secured = RegistryFixture.startWithBasicAuth(work.resolve("secured-file"), "carol", "s3cret")) {
            secured.push("private/file", "v1", TestImages.busybox());
            var reference = secured.host() + "/private/file:v1";
            var authFile = work.resolve("auth-" + root.getFileName() + ".json");
            images = open(new ImageConfig(2, null, null, 0, "", Map.of(), authFile.toString(), ""));
            var missing = assertThrows(CriException.class, () -> images.pull(reference, Credentials.ANONYMOUS));
            assertEquals(Status.Code.UNAUTHENTICATED, missing.code(), "no file yet: anonymous");
            var auth = java.util.Base64.getEncoder().encodeToString("carol:s3cret".getBytes(StandardCharsets.UTF_8));
            Files.writeString(authFile, "{\"auths\":{\"http://" + secured.host() + "/v2/\":{\"auth\":\"" + auth + "\"}}}");
            assertEquals(TestImages.busybox().id(), images.pull(reference, Credentials.ANONYMOUS).id(), "the new file is read");
            images.remove(reference);
            var given = assertThrows(CriException.class, () -> images.pull(reference, Credentials.of("carol", "wrong", "", "", "")));
            assertTrue(given.getMessage().contains("refused the credentials of user 'carol'"), "a request's own credentials win");
            Files.writeString(authFile, "{\"auths\":{\"" + secured.host() + "\":{\"username\":\"carol\",\"password\":\"nope\"}}}");
            var edited = assertThrows(CriException.class, () -> images.pull(reference, Credentials.ANONYMOUS));
            assertTrue(edited.getMessage().contains("refused the credentials of user 'carol'"), edited.getMessage());
        }
    }

    @Test
    void bearerTokenFlowWithAMockTokenService() throws Exception {
        registry.push("private/token", "v1", TestImages.busybox());
        try (var proxy = new jcri.image.testing.TokenAuthProxy(registry.host(), "bob", "builder")) {
            var reference = proxy.host() + "/private/token:v1";
            var refused = assertThrows(CriException.class, () -> images.pull(reference, Credentials.of("bob", "wrong", "", "", "")));
            assertEquals(Status.Code.UNAUTHENTICATED, refused.code(), refused.getMessage());
            assertTrue(refused.getMessage().contains("refused"), refused.getMessage());
            assertEquals(TestImages.busybox().id(), images.pull(reference, Credentials.of("bob", "builder", "", "", "")).id());
            assertEquals(1, proxy.tokensIssued(), "one token serves the manifest and every blob of the pull");
            var withToken = Credentials.of("", "", "", "", "jcri-test-token");
            images.remove(reference);
            assertEquals(TestImages.busybox().id(), images.pull(reference, withToken).id(), "a registry token is used as is");
            assertEquals(1, proxy.tokensIssued());
        }
    }

    @Test
    void mirrorsAreTriedBeforeTheUpstream() throws Exception {
        registry.push("library/mirrored", "v1", TestImages.busybox());
        var upstream = "localhost:1"; // nothing listens there: only the mirror can answer
        images = open(new ImageConfig(2, null, null, 0, "", Map.of(upstream,
                new RegistryHost(List.of("http://" + registry.host()), true, null, null)), "", ""));
        var image = images.pull(upstream + "/library/mirrored:v1", Credentials.ANONYMOUS);
        assertEquals(TestImages.busybox().id(), image.id());
        assertEquals(List.of(upstream + "/library/mirrored:v1"), image.repoTags(), "recorded under the name asked for");
    }

    @Test
    void aTimedOutPullStopsAndLeavesNothing() throws Exception {
        images = open(new ImageConfig(1, 64L << 30, 100_000, 1, "", Map.of(), "", ""));
        pushZeros();
        long started = System.nanoTime();
        var e = assertThrows(CriException.class, () -> images.pull(ref("test/zeros", "v1"), Credentials.ANONYMOUS));
        long ms = (System.nanoTime() - started) / 1_000_000;
        assertEquals(Status.Code.DEADLINE_EXCEEDED, e.code(), e.getMessage());
        assertTrue(ms < 8_000, "stopped after " + ms + " ms (a full unpack of the 2 GiB layer takes far longer)");
        assertEquals(List.of(), images.snapshotter().list());
        try (var dirs = Files.list(root.resolve("snapshots/s")); var ingest = Files.list(root.resolve("content/ingest"))) {
            assertEquals(List.of(), java.util.stream.Stream.concat(dirs, ingest).toList(), "no partial layer or download left");
        }
    }

    @Test
    void missingImageIsNotFound() {
        var e = assertThrows(CriException.class, () -> images.pull(ref("test/none", "v1"), Credentials.ANONYMOUS));
        assertEquals(Status.Code.NOT_FOUND, e.code(), e.getMessage());
    }

    @Test
    void concurrentPullsShareOneDownloadAndImagesSurviveARestart() throws Exception {
        var built = ImageBuilder.oci().layer(new LayerBuilder().randomFile("big", 20 << 20, 7), Compression.GZIP)
                .layer(TestImages.busyboxLayer(), Compression.GZIP).build();
        registry.push("test/shared", "v1", built);
        try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            var pulls = List.of(pool.submit(() -> images.pull(ref("test/shared", "v1"), Credentials.ANONYMOUS)),
                    pool.submit(() -> images.pull(ref("test/shared", "v1"), Credentials.ANONYMOUS)),
                    pool.submit(() -> images.pull(ref("test/shared", "v1"), Credentials.ANONYMOUS)));
            for (var pull : pulls) {
                assertEquals(built.id(), pull.get().id());
            }
        }
        var reopened = open(new ImageConfig(null, null, null, null, "", Map.of(), "", ""));
        var image = reopened.find(ref("test/shared", "v1")).orElseThrow();
        assertEquals(built.id(), image.id());
        assertEquals(2, reopened.snapshotter().list().size());
        reopened.remove(ref("test/shared", "v1"));
        assertTrue(reopened.find(built.id()).isEmpty());
        assertEquals(List.of(), reopened.snapshotter().list(), "layers collected with the last image");
        try (var blobs = Files.list(root.resolve("content/blobs/sha256"))) {
            assertEquals(0, blobs.count(), "blobs collected with the last image");
        }
    }

    @Test
    void anImageWhoseLayersAViewUsesStaysThroughRemoveAndGarbageCollection() throws Exception {
        var built = ImageBuilder.oci().layer(new LayerBuilder().file("a", "1"), Compression.GZIP)
                .layer(new LayerBuilder().file("b", "2"), Compression.GZIP).build();
        registry.push("test/volume", "v1", built);
        images = ImageManager.open(root, new ImageConfig(2, null, null, 0, "", Map.of(), "", ""), new SimpleMeterRegistry(),
                snapshot -> snapshot.key().startsWith("vol-") ? java.util.Optional.of("volume " + snapshot.key()) : java.util.Optional.empty());
        var image = images.pull(ref("test/volume", "v1"), Credentials.ANONYMOUS);
        images.snapshotter().view("vol-1", image.chainId());
        var e = assertThrows(CriException.class, () -> images.remove(image.id()));
        assertEquals(Status.Code.FAILED_PRECONDITION, e.code(), e.getMessage());
        assertTrue(e.getMessage().contains("volume vol-1"), e.getMessage());
        var unguarded = open(new ImageConfig(2, null, null, 0, "", Map.of(), "", ""));
        unguarded.remove(image.id());
        assertTrue(unguarded.find(image.id()).isEmpty());
        assertEquals(3, unguarded.snapshotter().list().size(), "garbage collection keeps both layers under the view");
        unguarded.snapshotter().remove("vol-1");
        unguarded.collectGarbage();
        assertEquals(List.of(), unguarded.snapshotter().list());
    }
}
