package jcri.critest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import jcri.api.v1.ContainerConfig;
import jcri.api.v1.ContainerMetadata;
import jcri.api.v1.ImageSpec;
import jcri.api.v1.ImageStatusRequest;
import jcri.api.v1.RemoveImageRequest;
import jcri.image.oci.MediaTypes.Compression;
import jcri.image.testing.ArchiveBuilder;
import jcri.image.testing.LayerBuilder;
import jcri.image.testing.TestImages;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code jcrid images import} and {@code export} against a running jcrid: a {@code docker save} and an OCI archive
 * built here are imported through the daemon's socket, run as pods, exported, imported into a fresh jcrid and removed.
 */
class ImageImportSpec {
    private final CriClient cri = Target.client();
    private final Path dir = Scratch.dir("critest-import-");

    @BeforeAll
    static void onlyJcri() {
        Assumptions.assumeFalse(Target.external(), "jcrid images is jcri's own client");
    }

    private JcridProcess.Completed images(Path socket, Path stdin, String... arguments) throws Exception {
        var command = new java.util.ArrayList<>(List.of("images", arguments[0], "--socket", socket.toString()));
        command.addAll(Arrays.asList(arguments).subList(1, arguments.length));
        return JcridProcess.client(dir, stdin, command.toArray(String[]::new));
    }

    private Path socket() {
        return Target.daemon().orElseThrow().socket();
    }

    private static jcri.api.v1.Image status(CriClient client, String reference) {
        return client.images().imageStatus(ImageStatusRequest.newBuilder().setImage(ImageSpec.newBuilder().setImage(reference)).build())
                .getImage();
    }

    private static void remove(CriClient client, String reference) {
        client.images().removeImage(RemoveImageRequest.newBuilder().setImage(ImageSpec.newBuilder().setImage(reference)).build());
    }

    private static jcri.image.testing.ImageBuilder.BuiltImage image(String motd) {
        return TestImages.busyboxBuilder().layer(new LayerBuilder().file("etc/motd", motd), Compression.NONE).build();
    }

    /** Runs {@code cat /etc/motd} from {@code image} in a pod and returns its log. */
    private String runCat(String image) throws Exception {
        var pod = Pods.config("import").build();
        var podId = Pods.run(cri, pod);
        try {
            var config = ContainerConfig.newBuilder().setMetadata(ContainerMetadata.newBuilder().setName("cat"))
                    .setImage(ImageSpec.newBuilder().setImage(image)).addCommand("cat").addArgs("/etc/motd").setLogPath("cat.log").build();
            var id = Pods.start(cri, podId, pod, config);
            var exited = Pods.awaitExit(cri, id, Duration.ofSeconds(60));
            assertEquals(0, exited.getExitCode(), exited.toString());
            return Files.readString(Pods.log(pod, config));
        } finally {
            Pods.destroy(cri, podId);
        }
    }

    @Test
    void dockerSaveArchiveRunsAsAPodAndIsRemoved() throws Exception {
        var built = image("from docker save");
        var tag = "critest.local/imported/docker:1";
        var archive = ArchiveBuilder.dockerSave(built, List.of(tag)).writeTo(dir.resolve("docker.tar"));
        var imported = images(socket(), null, "import", archive.toString());
        assertEquals(0, imported.exitCode(), imported.stderr());
        assertEquals(built.id() + " " + tag + "\n", imported.stdout());
        var image = status(cri, tag);
        assertEquals(built.id(), image.getId());
        assertEquals(List.of(tag), image.getRepoTagsList());
        assertTrue(image.getRepoDigests(0).startsWith("critest.local/imported/docker@sha256:"), image.toString());
        assertTrue(runCat(tag).contains("from docker save"));
        remove(cri, tag);
        assertFalse(cri.images().imageStatus(ImageStatusRequest.newBuilder().setImage(ImageSpec.newBuilder().setImage(built.id())).build()).hasImage());
    }

    @Test
    void ociArchiveOnStdinExportsAndImportsIntoAFreshJcrid() throws Exception {
        var built = image("from an OCI layout");
        var name = "critest.local/imported/oci:2";
        var archive = ArchiveBuilder.oci(List.of(ArchiveBuilder.Entry.of(built, name))).writeTo(dir.resolve("oci.tar"));
        var imported = images(socket(), archive, "import", "-");
        assertEquals(0, imported.exitCode(), imported.stderr());
        assertTrue(runCat(name).contains("from an OCI layout"));
        var exported = dir.resolve("exported.tar");
        var export = images(socket(), null, "export", "-o", exported.toString(), name);
        assertEquals(0, export.exitCode(), export.stderr());
        remove(cri, name);
        try (var fresh = JcridProcess.start(Scratch.dir("critest-import-fresh-"), "")) {
            var again = images(fresh.socket(), null, "import", exported.toString());
            assertEquals(0, again.exitCode(), again.stderr());
            var client = new CriClient(fresh.endpoint());
            var image = status(client, name);
            assertEquals(built.id(), image.getId());
            assertEquals(List.of(name), image.getRepoTagsList());
            remove(client, name);
            assertEquals(0, client.images().listImages(jcri.api.v1.ListImagesRequest.getDefaultInstance()).getImagesCount());
        }
    }

    @Test
    void skopeoReadsTheExportAndItsDockerArchiveImportsAgain() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/skopeo")), "needs skopeo (apt-get install skopeo)");
        var built = image("through skopeo");
        var name = "critest.local/imported/skopeo:3";
        var archive = ArchiveBuilder.oci(List.of(ArchiveBuilder.Entry.of(built, name))).writeTo(dir.resolve("in.tar"));
        assertEquals(0, images(socket(), null, "import", archive.toString()).exitCode());
        var exported = dir.resolve("skopeo-export.tar");
        assertEquals(0, images(socket(), null, "export", "-o", exported.toString(), name).exitCode());
        remove(cri, name);
        var copied = dir.resolve("skopeo-docker.tar");
        var copy = new ProcessBuilder("skopeo", "copy", "-q", "oci-archive:" + exported, "docker-archive:" + copied + ":" + name)
                .redirectErrorStream(true).start();
        var output = new String(copy.getInputStream().readAllBytes());
        assertEquals(0, copy.waitFor(), output);
        var again = images(socket(), null, "import", copied.toString());
        assertEquals(0, again.exitCode(), again.stderr());
        assertEquals(built.id(), status(cri, name).getId());
        remove(cri, name);
    }

    @Test
    void truncatedArchiveIsInvalidArgumentAndStoresNothing() throws Exception {
        var whole = dir.resolve("whole.tar");
        ArchiveBuilder.dockerSave(image("truncated"), List.of("critest.local/imported/truncated:1")).writeTo(whole);
        var bytes = Files.readAllBytes(whole);
        var truncated = Files.write(dir.resolve("truncated.tar"), Arrays.copyOf(bytes, bytes.length - 5000));
        var imported = images(socket(), null, "import", truncated.toString());
        assertEquals(1, imported.exitCode());
        assertTrue(imported.stderr().contains("INVALID_ARGUMENT") && imported.stderr().contains("truncated"), imported.stderr());
        assertFalse(cri.images().imageStatus(ImageStatusRequest.newBuilder()
                .setImage(ImageSpec.newBuilder().setImage("critest.local/imported/truncated:1")).build()).hasImage());
    }

    @Test
    void exportOfAnUnknownImageIsNotFound() throws Exception {
        var export = images(socket(), null, "export", "-o", dir.resolve("none.tar").toString(), "critest.local/none:1");
        assertEquals(1, export.exitCode());
        assertTrue(export.stderr().contains("NOT_FOUND"), export.stderr());
        assertFalse(Files.exists(dir.resolve("none.tar")));
    }
}
