package jcri.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import jcri.api.CriException;
import jcri.image.oci.MediaTypes.Compression;
import jcri.image.testing.ArchiveBuilder;
import jcri.image.testing.ImageBuilder;
import jcri.image.testing.LayerBuilder;
import jcri.image.testing.TestImages;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Imports and exports archives through the image manager into real overlay snapshots. */
class ImageImportIT {
    private Path work;
    private ImageManager images;

    @BeforeEach
    void open() throws Exception {
        work = Files.createDirectories(Path.of("/tmp/jii" + ProcessHandle.current().pid()));
        images = open(work.resolve("a"));
    }

    private static ImageManager open(Path root) {
        return ImageManager.open(root, new ImageConfig(2, 256L << 20, 50, 0, "", Map.of(), "", ""), new SimpleMeterRegistry(),
                SnapshotUsers.NONE);
    }

    @AfterEach
    void cleanUp() throws Exception {
        new ProcessBuilder("rm", "-rf", work.toString()).start().waitFor();
    }

    private static InputStream tar(ArchiveBuilder archive) throws Exception {
        var out = new ByteArrayOutputStream();
        archive.writeTo(out);
        return new ByteArrayInputStream(out.toByteArray());
    }

    private static ImageBuilder.BuiltImage twoLayers() {
        return TestImages.busyboxBuilder().layer(new LayerBuilder().file("etc/motd", "imported"), Compression.NONE).build();
    }

    @Test
    void dockerSaveImageIsStoredLikeAPulledOne() throws Exception {
        var built = twoLayers();
        var imported = images.importArchive(tar(ArchiveBuilder.dockerSave(built, List.of("example.com/app:1"))));
        assertEquals(1, imported.size());
        var image = images.find("example.com/app:1").orElseThrow();
        assertEquals(built.id(), image.id());
        assertEquals(List.of("sh"), image.spec().cmd());
        assertTrue(image.repoDigests().getFirst().startsWith("example.com/app@sha256:"));
        assertEquals(image, images.find(image.repoDigests().getFirst()).orElseThrow());
        var motd = images.snapshotter().upperDir(image.chainId()).resolve("etc/motd");
        assertEquals("imported", Files.readString(motd));
        assertTrue(Files.list(work.resolve("a/imports")).findAny().isEmpty(), "the spool is removed");
    }

    @Test
    void exportedArchiveImportsIntoAnotherNodeWithItsNames() throws Exception {
        var built = twoLayers();
        images.importArchive(tar(ArchiveBuilder.oci(List.of(ArchiveBuilder.Entry.of(built, "example.com/app:2")))));
        var out = new ByteArrayOutputStream();
        images.exportArchive(List.of("example.com/app:2"), out);
        var other = open(work.resolve("b"));
        var again = other.importArchive(new ByteArrayInputStream(out.toByteArray()));
        assertEquals(images.find("example.com/app:2").orElseThrow(), again.getFirst());
        other.remove("example.com/app:2");
        assertEquals(List.of(), other.list());
        assertTrue(other.snapshotter().list().isEmpty(), "removal frees the layers");
    }

    @Test
    void layerThatIsNotWhatTheConfigSaysLeavesNothingBehind() throws Exception {
        var built = twoLayers();
        var other = ImageBuilder.oci().layer(new LayerBuilder().file("x", "x"), Compression.NONE).build();
        var archive = ArchiveBuilder.dockerSave(built, List.of("example.com/app:3"))
                .entry("layer1/layer.tar", Files.readAllBytes(other.layers().getFirst().blob().file()));
        var e = assertThrows(CriException.class, () -> images.importArchive(tar(archive)));
        assertEquals(Status.Code.INVALID_ARGUMENT, e.code(), e.getMessage());
        assertTrue(e.getMessage().contains("but the image config says"), e.getMessage());
        assertEquals(List.of(), images.list());
        assertTrue(images.snapshotter().list().isEmpty(), "no layer stays");
        assertEquals(0, images.usage().bytes(), "no blob stays");
    }

    @Test
    void exportOfAnUnknownImageIsNotFound() {
        var e = assertThrows(CriException.class, () -> images.exportArchive(List.of("nope:1"), new ByteArrayOutputStream()));
        assertEquals(Status.Code.NOT_FOUND, e.code());
    }
}
