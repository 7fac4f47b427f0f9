package jcri.image.testing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.luben.zstd.ZstdInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.DigestInputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;
import jcri.image.content.Digests;
import jcri.image.oci.MediaTypes.Compression;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.junit.jupiter.api.Test;

/** Reads built layers back with commons-compress and checks every kind of entry. */
class LayerBuilderTest {
    private record Read(TarArchiveEntry entry, byte[] content) {
    }

    private static final String LONG = "d".repeat(120) + "/" + "f".repeat(130);

    private static LayerBuilder everyKind() {
        return new LayerBuilder()
                .dir("etc")
                .dir("tmp", 01777)
                .file("etc/passwd", "root:x:0:0::/root:/bin/sh\n")
                .file("etc/app", new byte[] {1, 2, 3}, 0750, 33, 44)
                .symlink("bin/sh", "busybox")
                .hardlink("bin/ash", "bin/sh")
                .whiteout("usr/gone")
                .opaque("var")
                .charDevice("dev/null", 1, 3)
                .fileWithXattr("cap", "x", "security.capability", "value")
                .file(LONG, "long")
                .symlink("link", LONG)
                .raw("../escape", TarConstants.LF_NORMAL, null, "out".getBytes(StandardCharsets.UTF_8))
                .raw("/abs", TarConstants.LF_NORMAL, null, new byte[0])
                .raw("evil", TarConstants.LF_SYMLINK, "/etc", null)
                .raw("evil/passwd", TarConstants.LF_NORMAL, null, "pwned".getBytes(StandardCharsets.UTF_8))
                .raw("hard", TarConstants.LF_LINK, "../../outside", null);
    }

    @Test
    void everyEntryIsWrittenAsAskedInOrder() throws Exception {
        var layer = everyKind().build(Compression.NONE);
        var read = read(layer.blob(), Compression.NONE);

        assertEquals(List.of("etc/", "tmp/", "etc/passwd", "etc/app", "bin/sh", "bin/ash", "usr/.wh.gone", "var/.wh..wh..opq",
                "dev/null", "cap", LONG, "link", "../escape", "/abs", "evil", "evil/passwd", "hard"),
                read.stream().map(r -> r.entry().getName()).toList());
        assertEquals(01777, read.get(1).entry().getMode() & 07777);
        assertTrue(read.get(1).entry().isDirectory());
        var app = read.get(3).entry();
        assertEquals(0750, app.getMode() & 07777);
        assertEquals(33, app.getLongUserId());
        assertEquals(44, app.getLongGroupId());
        assertArrayEquals(new byte[] {1, 2, 3}, read.get(3).content());
        assertTrue(read.get(4).entry().isSymbolicLink());
        assertEquals("busybox", read.get(4).entry().getLinkName());
        assertTrue(read.get(5).entry().isLink());
        assertTrue(read.get(8).entry().isCharacterDevice());
        assertEquals(3, read.get(8).entry().getDevMinor());
        assertEquals("value", read.get(9).entry().getExtraPaxHeader("SCHILY.xattr.security.capability"));
        assertEquals("long", new String(read.get(10).content(), StandardCharsets.UTF_8));
        assertEquals(LONG, read.get(11).entry().getLinkName());
        assertEquals("/etc", read.get(14).entry().getLinkName());
        assertEquals("pwned", new String(read.get(15).content(), StandardCharsets.UTF_8));
        assertEquals("../../outside", read.get(16).entry().getLinkName());
        assertEquals(layer.blob().digest(), layer.diffId(), "an uncompressed layer's digest is its diff id");
        assertEquals(Digests.of(Files.readAllBytes(layer.blob().file())), layer.blob().digest());
        assertEquals(Files.size(layer.blob().file()), layer.blob().size());
    }

    @Test
    void compressedLayersKeepTheDiffIdOfTheTar() throws Exception {
        var plain = everyKind().build(Compression.NONE);
        for (var compression : List.of(Compression.GZIP, Compression.ZSTD)) {
            var layer = everyKind().build(compression);

            assertEquals(plain.diffId(), layer.diffId(), "building is reproducible");
            assertEquals("application/vnd.oci.image.layer.v1.tar+" + compression.name().toLowerCase(), layer.blob().mediaType());
            assertEquals(Digests.of(Files.readAllBytes(layer.blob().file())), layer.blob().digest());
            try (var in = new DigestInputStream(decompress(layer.blob(), compression), Digests.sha256())) {
                in.transferTo(OutputStream.nullOutputStream());
                assertEquals(layer.diffId(), Digests.format(in.getMessageDigest().digest()));
            }
        }
    }

    @Test
    void largeFilesAreIncompressibleAndZeroFilesAreNot() throws Exception {
        long size = 8 << 20;
        var random = new LayerBuilder().largeFile("r", size, 7).build(Compression.GZIP);
        var zeros = new LayerBuilder().zeroFile("z", size).build(Compression.GZIP);

        assertTrue(random.blob().size() > size, "random bytes do not compress: " + random.blob().size());
        assertTrue(zeros.blob().size() < size / 100, "zeros compress: " + zeros.blob().size());
        assertEquals(random.diffId(), new LayerBuilder().largeFile("r", size, 7).build(Compression.NONE).diffId(), "same seed, same bytes");
        var other = new LayerBuilder().largeFile("r", size, 8).build(Compression.NONE);
        assertEquals(size, read(other.blob(), Compression.NONE).getFirst().content().length);
        assertNotEquals(random.diffId(), other.diffId(), "another seed, other bytes");
    }

    private static List<Read> read(Blob blob, Compression compression) throws IOException {
        var entries = new ArrayList<Read>();
        try (var tar = new TarArchiveInputStream(decompress(blob, compression))) {
            for (var entry = tar.getNextEntry(); entry != null; entry = tar.getNextEntry()) {
                entries.add(new Read(entry, tar.readAllBytes()));
            }
        }
        return entries;
    }

    private static InputStream decompress(Blob blob, Compression compression) throws IOException {
        var in = Files.newInputStream(blob.file());
        return switch (compression) {
            case NONE -> in;
            case GZIP -> new GZIPInputStream(in);
            case ZSTD -> new ZstdInputStream(in);
        };
    }
}
