package jcri.image.archive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import jcri.api.CriException;
import jcri.image.oci.MediaTypes;
import jcri.image.oci.MediaTypes.Compression;
import jcri.image.oci.Platform;
import jcri.image.testing.ArchiveBuilder;
import jcri.image.testing.Blob;
import jcri.image.testing.ImageBuilder;
import jcri.image.testing.LayerBuilder;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ArchiveReaderTest {
    private static final Platform AMD64 = new Platform("amd64", "linux", "", null);

    @TempDir
    Path dir;

    private static ImageBuilder.BuiltImage image(String arch, Compression compression) {
        return ImageBuilder.oci().platform("linux", arch, "")
                .layer(new LayerBuilder().file("hello", "hello " + arch), compression)
                .layer(new LayerBuilder().file("second", "2"), Compression.GZIP).cmd("/hello").build();
    }

    private static byte[] bytes(ArchiveBuilder archive) throws IOException {
        var out = new ByteArrayOutputStream();
        archive.writeTo(out);
        return out.toByteArray();
    }

    private SpooledArchive spool(byte[] tar) throws IOException {
        return SpooledArchive.read(new ByteArrayInputStream(tar), dir.resolve("spool"));
    }

    private List<ArchiveImage> read(ArchiveBuilder archive) throws IOException {
        try (var spooled = spool(bytes(archive))) {
            return ArchiveReader.images(spooled, AMD64);
        }
    }

    private CriException refused(byte[] tar) {
        var e = assertThrows(CriException.class, () -> {
            try (var spooled = spool(tar)) {
                ArchiveReader.images(spooled, AMD64);
            }
        });
        assertEquals(Status.Code.INVALID_ARGUMENT, e.code(), e.getMessage());
        assertFalse(Files.exists(dir.resolve("spool")), "the spool directory is removed");
        return e;
    }

    @Test
    void dockerSaveGivesTagsConfigAndLayersWithTheirCompression() throws IOException {
        var built = image("amd64", Compression.NONE);
        var images = read(ArchiveBuilder.dockerSave(built, List.of("example.com/a:1", "b:2")));
        assertEquals(1, images.size());
        var image = images.getFirst();
        assertEquals(List.of("example.com/a:1", "b:2"), image.names());
        assertEquals(built.config().digest(), image.config().digest());
        assertEquals(List.of("application/vnd.oci.image.layer.v1.tar", "application/vnd.oci.image.layer.v1.tar+gzip"),
                image.layers().stream().map(l -> l.descriptor().mediaType()).toList());
        assertEquals(built.layers().stream().map(l -> l.blob().digest()).toList(),
                image.layers().stream().map(l -> l.descriptor().digest()).toList());
        assertEquals(MediaTypes.OCI_MANIFEST, image.top().mediaType());
        assertEquals(image.top().digest(), image.blobs().getFirst().digest(), "the manifest made for it comes first");
        assertEquals(4, image.blobs().size());
    }

    @Test
    void dockerSaveConfigMustHashToItsName() throws IOException {
        var built = image("amd64", Compression.GZIP);
        var archive = ArchiveBuilder.dockerSave(built, List.of("a:1"))
                .entry(built.config().digest().substring(7) + ".json", "{}".getBytes(StandardCharsets.UTF_8));
        assertTrue(refused(bytes(archive)).getMessage().contains("does not match its name"));
    }

    @Test
    void dockerSaveMissingLayerIsNamed() throws IOException {
        var archive = ArchiveBuilder.dockerSave(image("amd64", Compression.GZIP), List.of("a:1")).without("layer1/layer.tar");
        assertTrue(refused(bytes(archive)).getMessage().contains("lacks the layer layer1/layer.tar"));
    }

    @Test
    void ociLayoutNamesComeFromContainerdsAnnotationThenAWholeRefName() throws IOException {
        var a = image("amd64", Compression.GZIP);
        var b = ImageBuilder.oci().layer(new LayerBuilder().file("b", "b"), Compression.ZSTD).build();
        var c = ImageBuilder.oci().layer(new LayerBuilder().file("c", "c"), Compression.NONE).build();
        var images = read(ArchiveBuilder.oci(List.of(
                ArchiveBuilder.Entry.of(a, "example.com/a:1"),
                new ArchiveBuilder.Entry(a.manifest(), Map.of("org.opencontainers.image.ref.name", "example.com/a:2"), List.of()),
                new ArchiveBuilder.Entry(b.manifest(), Map.of("org.opencontainers.image.ref.name", "latest"), ArchiveBuilder.blobs(b)),
                ArchiveBuilder.Entry.of(c, ""))));
        assertEquals(3, images.size());
        assertEquals(List.of("example.com/a:1", "example.com/a:2"), images.get(0).names());
        assertEquals(List.of(), images.get(1).names(), "a bare tag names no repository");
        assertEquals(List.of(), images.get(2).names());
        assertEquals(a.config().digest(), images.get(0).config().digest());
        assertEquals(2, images.get(0).layers().size());
    }

    @Test
    void docker25ArchiveIsReadAsTheOciLayoutItAlsoIs() throws IOException {
        var a = image("amd64", Compression.NONE);
        var dockerManifest = "[{\"Config\":\"blobs/sha256/" + a.id().substring(7) + "\",\"RepoTags\":[\"other:9\"],\"Layers\":[]}]";
        var images = read(ArchiveBuilder.oci(List.of(new ArchiveBuilder.Entry(a.manifest(),
                        Map.of("io.containerd.image.name", "docker.io/library/app:1", "org.opencontainers.image.ref.name", "1"),
                        ArchiveBuilder.blobs(a))))
                .entry("manifest.json", dockerManifest.getBytes(StandardCharsets.UTF_8)));
        assertEquals(List.of("docker.io/library/app:1"), images.getFirst().names());
        assertEquals(2, images.getFirst().layers().size());
    }

    @Test
    void multiPlatformIndexUnpacksTheHostsManifestAndKeepsTheOthers() throws IOException {
        var amd = image("amd64", Compression.GZIP);
        var arm = image("arm64", Compression.GZIP);
        var index = ImageBuilder.index(false, List.of(arm, amd));
        var blobs = new ArrayList<>(List.of(amd.manifest(), arm.manifest()));
        blobs.addAll(ArchiveBuilder.blobs(amd));
        blobs.addAll(ArchiveBuilder.blobs(arm));
        var images = read(ArchiveBuilder.oci(List.of(new ArchiveBuilder.Entry(index, Map.of("io.containerd.image.name", "m:1"), blobs))));
        var image = images.getFirst();
        assertEquals(index.digest(), image.top().digest());
        assertEquals(amd.config().digest(), image.config().digest());
        var stored = image.blobs().stream().map(ArchiveFile::digest).toList();
        assertTrue(stored.contains(arm.manifest().digest()) && stored.contains(arm.config().digest()), "other platforms are kept");
        assertEquals(stored.stream().distinct().count(), stored.size());
    }

    @Test
    void indexWithoutTheHostsPlatformIsRefused() throws IOException {
        var arm = image("arm64", Compression.GZIP);
        var index = ImageBuilder.index(false, List.of(arm));
        var blobs = new ArrayList<>(List.of(arm.manifest()));
        blobs.addAll(ArchiveBuilder.blobs(arm));
        var e = refused(bytes(ArchiveBuilder.oci(List.of(new ArchiveBuilder.Entry(index, Map.of(), blobs)))));
        assertTrue(e.getMessage().contains("no manifest for linux/amd64"), e.getMessage());
    }

    @Test
    void blobWhoseContentIsNotItsNameIsRefused() throws IOException {
        var a = image("amd64", Compression.GZIP);
        var archive = ArchiveBuilder.oci(List.of(ArchiveBuilder.Entry.of(a, "a:1")))
                .entry("blobs/sha256/" + a.layers().getFirst().blob().digest().substring(7), "tampered".getBytes(StandardCharsets.UTF_8));
        assertTrue(refused(bytes(archive)).getMessage().contains("does not match its name"));
    }

    @Test
    void missingBlobIsNamed() throws IOException {
        var a = image("amd64", Compression.GZIP);
        var layer = a.layers().get(1).blob().digest();
        var archive = ArchiveBuilder.oci(List.of(ArchiveBuilder.Entry.of(a, "a:1"))).without("blobs/sha256/" + layer.substring(7));
        assertTrue(refused(bytes(archive)).getMessage().contains("lacks the layer " + layer));
    }

    @Test
    void sizeOtherThanTheDescriptorsIsRefused() throws IOException {
        var a = image("amd64", Compression.GZIP);
        var wrong = new Blob(a.manifest().mediaType(), a.manifest().digest(), a.manifest().size() + 1, a.manifest().file());
        var archive = ArchiveBuilder.oci(List.of(new ArchiveBuilder.Entry(wrong, Map.of(), ArchiveBuilder.blobs(a))));
        assertTrue(refused(bytes(archive)).getMessage().contains("not the " + (a.manifest().size() + 1)));
    }

    @Test
    void truncatedNotATarAndUnknownLayoutsAreRefused() throws IOException {
        var whole = bytes(ArchiveBuilder.dockerSave(image("amd64", Compression.NONE), List.of("a:1")));
        assertTrue(refused(Arrays.copyOf(whole, whole.length / 2)).getMessage().contains("truncated"));
        var noise = new byte[4096];
        new Random(1).nextBytes(noise);
        refused(noise);
        refused(new byte[0]);
        var e = refused(bytes(ArchiveBuilder.dockerSave(image("amd64", Compression.NONE), List.of("a:1")).without("manifest.json")));
        assertTrue(e.getMessage().contains("neither an OCI image layout"));
    }

    @Test
    void namesOutsideTheArchiveAreRefused() {
        assertEquals("blobs/sha256/x", SpooledArchive.clean("./blobs//sha256/x"));
        assertThrows(CriException.class, () -> SpooledArchive.clean("../etc/passwd"));
    }

    @Test
    void linksNameTheFileTheyStandForWhateverTheirOrder() throws IOException {
        var out = new ByteArrayOutputStream();
        var tar = new TarArchiveOutputStream(out);
        link(tar, "b/layer.tar", "../c/layer.tar", TarConstants.LF_SYMLINK);
        link(tar, "c/layer.tar", "a/layer.tar", TarConstants.LF_LINK);
        var content = "layer".getBytes(StandardCharsets.UTF_8);
        var file = new TarArchiveEntry("./a/layer.tar");
        file.setSize(content.length);
        tar.putArchiveEntry(file);
        tar.write(content);
        tar.closeArchiveEntry();
        link(tar, "d/layer.tar", "../nowhere", TarConstants.LF_SYMLINK);
        tar.finish();
        try (var spooled = spool(out.toByteArray())) {
            var a = spooled.file("a/layer.tar").orElseThrow();
            assertEquals(a.digest(), spooled.file("b/layer.tar").orElseThrow().digest());
            assertEquals(a.path(), spooled.file("c/layer.tar").orElseThrow().path());
            assertTrue(spooled.file("d/layer.tar").isEmpty());
        }
    }

    private static void link(TarArchiveOutputStream tar, String name, String target, byte type) throws IOException {
        var entry = new TarArchiveEntry(name, type);
        entry.setLinkName(target);
        tar.putArchiveEntry(entry);
        tar.closeArchiveEntry();
    }

    @Test
    void closingRemovesTheSpool() throws IOException {
        var spooled = spool(bytes(ArchiveBuilder.dockerSave(image("amd64", Compression.NONE), List.of("a:1"))));
        assertTrue(Files.isDirectory(dir.resolve("spool")));
        spooled.close();
        assertFalse(Files.exists(dir.resolve("spool")));
    }
}
