package jcri.image.testing;

import com.github.luben.zstd.ZstdOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.zip.GZIPOutputStream;
import jcri.image.content.Digests;
import jcri.image.oci.MediaTypes.Compression;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

/** Writes one layer tar, entry by entry in call order, including hostile entries for security tests. */
public final class LayerBuilder {
    /** A built layer: the (compressed) blob and the digest of its uncompressed tar. */
    public record LayerBlob(Blob blob, String diffId) {
    }

    private interface Content {
        void write(OutputStream out) throws IOException;
    }

    private record Entry(TarArchiveEntry header, Content content) {
    }

    private static final java.util.Date FIXED_TIME = java.util.Date.from(java.time.Instant.parse("2026-11-01T00:00:00Z"));
    private final List<Entry> entries = new ArrayList<>();

    public LayerBuilder dir(String path) {
        return dir(path, 0755);
    }

    public LayerBuilder dir(String path, int mode) {
        var e = new TarArchiveEntry(path.endsWith("/") ? path : path + "/");
        e.setMode(TarArchiveEntry.DEFAULT_DIR_MODE & ~07777 | mode);
        entries.add(new Entry(e, null));
        return this;
    }

    public LayerBuilder file(String path, String content) {
        return file(path, content.getBytes(StandardCharsets.UTF_8), 0644);
    }

    public LayerBuilder file(String path, byte[] content, int mode) {
        return file(path, content, mode, 0, 0);
    }

    public LayerBuilder file(String path, byte[] content, int mode, int uid, int gid) {
        var e = new TarArchiveEntry(path);
        e.setMode(TarArchiveEntry.DEFAULT_FILE_MODE & ~07777 | mode);
        e.setSize(content.length);
        e.setUserId(uid);
        e.setGroupId(gid);
        entries.add(new Entry(e, out -> out.write(content)));
        return this;
    }

    /** A file whose PAX header carries an extended attribute. */
    public LayerBuilder fileWithXattr(String path, String content, String name, String value) {
        file(path, content);
        entries.getLast().header().addPaxHeader("SCHILY.xattr." + name, value);
        return this;
    }

    /** {@code size} incompressible bytes from a seeded generator. */
    public LayerBuilder randomFile(String path, long size, long seed) {
        var e = new TarArchiveEntry(path);
        e.setSize(size);
        entries.add(new Entry(e, out -> {
            var random = new Random(seed);
            var buffer = new byte[65536];
            for (long left = size; left > 0; left -= buffer.length) {
                random.nextBytes(buffer);
                out.write(buffer, 0, (int) Math.min(buffer.length, left));
            }
        }));
        return this;
    }

    /** {@code size} zero bytes: compresses to almost nothing (a decompression bomb). */
    public LayerBuilder zeroFile(String path, long size) {
        var e = new TarArchiveEntry(path);
        e.setSize(size);
        entries.add(new Entry(e, out -> {
            var buffer = new byte[1 << 20];
            for (long left = size; left > 0; left -= buffer.length) {
                out.write(buffer, 0, (int) Math.min(buffer.length, left));
            }
        }));
        return this;
    }

    public LayerBuilder symlink(String path, String target) {
        return raw(path, TarConstants.LF_SYMLINK, target, null);
    }

    public LayerBuilder hardlink(String path, String target) {
        return raw(path, TarConstants.LF_LINK, target, null);
    }

    public LayerBuilder whiteout(String path) {
        int slash = path.lastIndexOf('/');
        return file(path.substring(0, slash + 1) + ".wh." + path.substring(slash + 1), "");
    }

    public LayerBuilder opaque(String dir) {
        return file(dir + "/.wh..wh..opq", "");
    }

    public LayerBuilder charDevice(String path, int major, int minor) {
        var e = new TarArchiveEntry(path, TarConstants.LF_CHR);
        e.setDevMajor(major);
        e.setDevMinor(minor);
        e.setMode(0020666);
        entries.add(new Entry(e, null));
        return this;
    }

    /** Any entry, named exactly as given (no cleaning): for hostile layers. */
    public LayerBuilder raw(String name, byte type, String linkTarget, byte[] content) {
        var e = new TarArchiveEntry(name, type, true);
        if (linkTarget != null) {
            e.setLinkName(linkTarget);
        }
        e.setMode(type == TarConstants.LF_SYMLINK ? 0120777 : 0100644);
        if (content != null) {
            e.setSize(content.length);
        }
        entries.add(new Entry(e, content == null ? null : out -> out.write(content)));
        return this;
    }

    /** Writes the tar, compresses it and returns the blob with its diff id. */
    public LayerBlob build(Compression compression) {
        try {
            var file = Files.createTempFile("jcri-layer-", ".blob");
            file.toFile().deleteOnExit();
            var diff = Digests.sha256();
            var blobSha = Digests.sha256();
            try (var fileOut = new DigestOutputStream(Files.newOutputStream(file), blobSha);
                 var compressed = compress(fileOut, compression);
                 var tarDigest = new DigestOutputStream(compressed, diff);
                 var tar = new TarArchiveOutputStream(tarDigest, StandardCharsets.UTF_8.name())) {
                tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
                tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
                tar.setAddPaxHeadersForNonAsciiNames(true);
                for (var entry : entries) {
                    entry.header().setModTime(FIXED_TIME); // the same content always makes the same layer
                    tar.putArchiveEntry(entry.header());
                    if (entry.content() != null) {
                        entry.content().write(tar);
                    }
                    tar.closeArchiveEntry();
                }
                tar.finish();
            }
            var media = switch (compression) {
                case NONE -> "application/vnd.oci.image.layer.v1.tar";
                case GZIP -> "application/vnd.oci.image.layer.v1.tar+gzip";
                case ZSTD -> "application/vnd.oci.image.layer.v1.tar+zstd";
            };
            var blob = new Blob(media, "sha256:" + HexFormat.of().formatHex(blobSha.digest()), Files.size(file), file);
            return new LayerBlob(blob, Digests.format(diff.digest()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static OutputStream compress(OutputStream out, Compression compression) throws IOException {
        return switch (compression) {
            case NONE -> new java.io.FilterOutputStream(out) {
                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    out.write(b, off, len);
                }
            };
            case GZIP -> new GZIPOutputStream(out, 1 << 16);
            case ZSTD -> new ZstdOutputStream(out);
        };
    }

}
