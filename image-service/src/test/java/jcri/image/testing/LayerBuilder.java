package jcri.image.testing;

import com.github.luben.zstd.ZstdOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.DigestOutputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Random;
import java.util.zip.GZIPOutputStream;
import jcri.image.content.Digests;
import jcri.image.oci.MediaTypes.Compression;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

/**
 * Writes one layer tar, entry by entry in call order, including hostile entries for security tests.
 * Paths are given without a leading {@code ./}; names and link targets longer than 100 characters
 * are written as PAX headers. {@link #build} returns a {@link LayerBlob}: the compressed blob and
 * the diff id (sha256 of the uncompressed tar). Building twice gives the same bytes.
 */
public final class LayerBuilder {
    /** A built layer: the (compressed) blob and the digest of its uncompressed tar. */
    public record LayerBlob(Blob blob, String diffId) {
    }

    private interface Content {
        void write(OutputStream out) throws IOException;
    }

    private record Entry(TarArchiveEntry header, Content content) {
    }

    private static final Date FIXED_TIME = Date.from(Instant.parse("2026-11-01T00:00:00Z"));
    private static final int CHUNK = 1 << 16;
    private final List<Entry> entries = new ArrayList<>();

    public LayerBuilder dir(String path) {
        return dir(path, 0755);
    }

    public LayerBuilder dir(String path, int mode) {
        var e = new TarArchiveEntry(path.endsWith("/") ? path : path + "/");
        e.setMode(TarArchiveEntry.DEFAULT_DIR_MODE & ~07777 | mode);
        return add(e, null);
    }

    /** A regular file, mode 0644, owned by root. */
    public LayerBuilder file(String path, String content) {
        return file(path, content.getBytes(StandardCharsets.UTF_8), 0644);
    }

    public LayerBuilder file(String path, byte[] content, int mode) {
        return file(path, content, mode, 0, 0);
    }

    public LayerBuilder file(String path, byte[] content, int mode, int uid, int gid) {
        var e = fileEntry(path, content.length);
        e.setMode(TarArchiveEntry.DEFAULT_FILE_MODE & ~07777 | mode);
        e.setUserId(uid);
        e.setGroupId(gid);
        return add(e, out -> out.write(content));
    }

    /** A file whose PAX header carries the extended attribute {@code name} ({@code SCHILY.xattr.<name>}). */
    public LayerBuilder fileWithXattr(String path, String content, String name, String value) {
        file(path, content);
        entries.getLast().header().addPaxHeader("SCHILY.xattr." + name, value);
        return this;
    }

    /** A file of {@code size} incompressible bytes streamed from a generator seeded with {@code seed}. */
    public LayerBuilder largeFile(String path, long size, long seed) {
        return add(fileEntry(path, size), out -> {
            var random = new Random(seed);
            var buffer = new byte[CHUNK];
            for (long left = size; left > 0; left -= buffer.length) {
                random.nextBytes(buffer);
                out.write(buffer, 0, (int) Math.min(buffer.length, left));
            }
        });
    }

    /** The same as {@link #largeFile}, under the name the pull tests use. */
    public LayerBuilder randomFile(String path, long size, long seed) {
        return largeFile(path, size, seed);
    }

    /** A file of {@code size} zero bytes: compresses to almost nothing (a decompression bomb when large). */
    public LayerBuilder zeroFile(String path, long size) {
        return add(fileEntry(path, size), out -> {
            var buffer = new byte[CHUNK];
            for (long left = size; left > 0; left -= buffer.length) {
                out.write(buffer, 0, (int) Math.min(buffer.length, left));
            }
        });
    }

    public LayerBuilder symlink(String path, String target) {
        return raw(path, TarConstants.LF_SYMLINK, target, null);
    }

    /**
     * A hard link to {@code target}, an earlier entry of this layer, with its mode and owner as tar writes them
     * (some unpackers, containerd's among them, apply a link entry's mode to the shared file).
     */
    public LayerBuilder hardlink(String path, String target) {
        raw(path, TarConstants.LF_LINK, target, null);
        var link = entries.getLast().header();
        entries.stream().map(Entry::header).filter(h -> h.getName().equals(target)).findFirst().ifPresent(file -> {
            link.setMode(file.getMode());
            link.setUserId(file.getLongUserId());
            link.setGroupId(file.getLongGroupId());
        });
        return this;
    }

    /** Deletes {@code path} of lower layers: adds the empty file {@code <parent>/.wh.<name>}. */
    public LayerBuilder whiteout(String path) {
        int slash = path.lastIndexOf('/');
        return file(path.substring(0, slash + 1) + ".wh." + path.substring(slash + 1), "");
    }

    /** Hides what lower layers hold in {@code dir}: adds {@code <dir>/.wh..wh..opq}. */
    public LayerBuilder opaque(String dir) {
        return file(dir + "/.wh..wh..opq", "");
    }

    public LayerBuilder charDevice(String path, int major, int minor) {
        var e = new TarArchiveEntry(path, TarConstants.LF_CHR);
        e.setDevMajor(major);
        e.setDevMinor(minor);
        e.setMode(0020666);
        return add(e, null);
    }

    /**
     * Any entry, named exactly as given (absolute and {@code ..} names kept): for hostile layers.
     * {@code linkTarget} and {@code content} may be null.
     */
    public LayerBuilder raw(String name, byte type, String linkTarget, byte[] content) {
        var e = new TarArchiveEntry(name, type, true);
        if (linkTarget != null) {
            e.setLinkName(linkTarget);
        }
        e.setMode(switch (type) {
            case TarConstants.LF_SYMLINK -> 0120777;
            case TarConstants.LF_DIR -> 040755;
            default -> 0100644;
        });
        if (content != null) {
            e.setSize(content.length);
        }
        return add(e, content == null ? null : out -> out.write(content));
    }

    /**
     * Writes the tar to a temp file through {@code compression} and returns the blob, of media type
     * {@code application/vnd.oci.image.layer.v1.tar(+gzip|+zstd)}, with the diff id of the tar.
     */
    public LayerBlob build(Compression compression) {
        try {
            var file = Files.createTempFile("jcri-layer-", ".blob");
            file.toFile().deleteOnExit();
            var blobDigest = Digests.sha256();
            var tarDigest = Digests.sha256();
            try (var fileOut = new DigestOutputStream(Files.newOutputStream(file), blobDigest);
                 var compressed = compress(fileOut, compression);
                 var tarOut = new DigestOutputStream(compressed, tarDigest);
                 var tar = new TarArchiveOutputStream(tarOut, StandardCharsets.UTF_8.name())) {
                tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
                tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
                tar.setAddPaxHeadersForNonAsciiNames(true);
                for (var entry : entries) {
                    tar.putArchiveEntry(entry.header());
                    if (entry.content() != null) {
                        entry.content().write(tar);
                    }
                    tar.closeArchiveEntry();
                }
                tar.finish();
            }
            var mediaType = switch (compression) {
                case NONE -> "application/vnd.oci.image.layer.v1.tar";
                case GZIP -> "application/vnd.oci.image.layer.v1.tar+gzip";
                case ZSTD -> "application/vnd.oci.image.layer.v1.tar+zstd";
            };
            var blob = new Blob(mediaType, Digests.format(blobDigest.digest()), Files.size(file), file);
            return new LayerBlob(blob, Digests.format(tarDigest.digest()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static TarArchiveEntry fileEntry(String path, long size) {
        var e = new TarArchiveEntry(path);
        e.setSize(size);
        return e;
    }

    private LayerBuilder add(TarArchiveEntry header, Content content) {
        header.setModTime(FIXED_TIME); // the same entries always make the same layer
        entries.add(new Entry(header, content));
        return this;
    }

    private static OutputStream compress(OutputStream out, Compression compression) throws IOException {
        return switch (compression) {
            case NONE -> out;
            case GZIP -> new GZIPOutputStream(out, CHUNK);
            case ZSTD -> new ZstdOutputStream(out);
        };
    }
}
