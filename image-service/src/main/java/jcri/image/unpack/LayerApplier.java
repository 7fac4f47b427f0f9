package jcri.image.unpack;

import com.github.luben.zstd.ZstdInputStream;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.zip.GZIPInputStream;
import jcri.image.content.Digests;
import jcri.image.oci.MediaTypes.Compression;
import jcri.linux.LinuxCalls;
import jcri.store.Trees;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * Applies one layer tar to a snapshot's upper dir the way overlayfs expects it: {@code .wh.<name>}
 * becomes a whiteout (character device 0:0), {@code .wh..wh..opq} marks its directory opaque, and
 * owners, modes, times, xattrs, hard links, symlinks and device nodes are kept. Entry names are
 * cleaned, parents resolved inside the snapshot, and the layer is rejected if any entry would reach
 * outside it or if its unpacked size passes the limits.
 */
public final class LayerApplier {
    private static final String WHITEOUT = ".wh.";
    private static final String OPAQUE = ".wh..wh..opq";
    /** The kernel's limits on a file name and on a path with its terminating NUL (linux/limits.h). */
    private static final int NAME_MAX = 255;
    private static final int PATH_MAX = 4096;

    /**
     * Size limits for one layer.
     *
     * @param maxUnpackedBytes absolute limit on the uncompressed tar
     * @param maxExpansionRatio limit on uncompressed / compressed size
     */
    public record Limits(long maxUnpackedBytes, long maxExpansionRatio) {
        /** Below this a layer is never refused for its ratio (tiny layers of zeros compress extremely well). */
        static final long RATIO_FLOOR = 64L << 20;

        long limitFor(long compressedSize) {
            long byRatio = compressedSize > Long.MAX_VALUE / maxExpansionRatio ? Long.MAX_VALUE : compressedSize * maxExpansionRatio;
            return Math.min(maxUnpackedBytes, Math.max(byRatio, RATIO_FLOOR));
        }
    }

    /** What applying produced: the diff id (digest of the uncompressed tar) and its size. */
    public record Applied(String diffId, long unpackedBytes) {
    }

    /** A directory's mtime, set after its children are written. */
    private record DirectoryTime(Path path, FileTime time) {
    }

    private final Limits limits;

    public LayerApplier(Limits limits) {
        this.limits = limits;
    }

    /**
     * Applies the compressed layer read from {@code blob} into {@code upper}, whose parents are
     * {@code lowers} (nearest first). On failure the caller discards the snapshot.
     */
    public Applied apply(InputStream blob, Compression compression, long compressedSize, Path upper, List<Path> lowers)
            throws IOException {
        long limit = limits.limitFor(compressedSize);
        var sha = Digests.sha256();
        var why = "layer expands past " + limit + " bytes (" + compressedSize + " bytes compressed; limits: max_layer_unpacked_bytes "
                + limits.maxUnpackedBytes() + ", max_expansion_ratio " + limits.maxExpansionRatio() + ")";
        try (var decompressed = decompress(new BufferedInputStream(blob, 1 << 16), compression);
             var counted = new BoundedCountingStream(decompressed, sha, limit, why)) {
            var tar = new TarArchiveInputStream(counted, StandardCharsets.UTF_8.name());
            var resolver = new RootedResolver(upper, lowers);
            var directories = new ArrayList<DirectoryTime>();
            for (TarArchiveEntry entry; (entry = tar.getNextEntry()) != null; ) {
                applyEntry(tar, entry, upper, resolver, directories);
            }
            for (var dir : directories.reversed()) {
                // a later entry may have replaced the directory (a whiteout, a FIFO, a file): its time is not that one's
                if (Files.isDirectory(dir.path(), LinkOption.NOFOLLOW_LINKS)) {
                    setTime(dir.path(), dir.time());
                }
            }
            counted.drain();
            return new Applied(Digests.format(sha.digest()), counted.count());
        }
    }

    private static InputStream decompress(InputStream in, Compression compression) throws IOException {
        return switch (compression) {
            case NONE -> in;
            case GZIP -> new GZIPInputStream(in, 1 << 16);
            case ZSTD -> new ZstdInputStream(in);
        };
    }

    private static void applyEntry(TarArchiveInputStream tar, TarArchiveEntry entry, Path upper, RootedResolver resolver,
                                   List<DirectoryTime> directories) throws IOException {
        var components = clean(entry.getName());
        if (components.isEmpty()) {
            return; // the layer's root ("./") carries nothing we apply
        }
        if (bytes(upper + "/" + String.join("/", components)) >= PATH_MAX) {
            throw new LayerRejectedException("entry '" + abbreviated(entry.getName()) + "' makes a path longer than PATH_MAX ("
                    + PATH_MAX + " bytes)");
        }
        if (entry.isSymbolicLink() && bytes(entry.getLinkName()) >= PATH_MAX) {
            throw new LayerRejectedException("symbolic link '" + abbreviated(entry.getName()) + "' has a target longer than PATH_MAX ("
                    + PATH_MAX + " bytes)");
        }
        var base = components.getLast();
        var parent = resolver.directory(components.subList(0, components.size() - 1), entry.getName());
        if (base.equals(OPAQUE)) {
            LinuxCalls.lsetxattr(parent.toString(), "trusted.overlay.opaque", new byte[] {'y'});
            return;
        }
        if (base.startsWith(WHITEOUT)) {
            var hidden = parent.resolve(checkName(base.substring(WHITEOUT.length()), entry));
            Trees.delete(hidden);
            LinuxCalls.mknod(hidden.toString(), LinuxCalls.S_IFCHR, 0);
            return;
        }
        var target = parent.resolve(base);
        boolean keepDirectory = entry.isDirectory() && Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS);
        if (!keepDirectory) {
            Trees.delete(target);
        }
        if (entry.isDirectory()) {
            if (!keepDirectory) {
                Files.createDirectory(target);
            }
            directories.add(new DirectoryTime(target, FileTime.from(entry.getModTime().toInstant())));
        } else if (entry.isSymbolicLink()) {
            Files.createSymbolicLink(target, Path.of(entry.getLinkName()));
        } else if (entry.isLink()) {
            link(entry, target, upper, resolver);
            return; // a hard link shares its target's inode and attributes
        } else if (entry.isCharacterDevice() || entry.isBlockDevice() || entry.isFIFO()) {
            int type = entry.isCharacterDevice() ? LinuxCalls.S_IFCHR : entry.isBlockDevice() ? LinuxCalls.S_IFBLK : LinuxCalls.S_IFIFO;
            LinuxCalls.mknod(target.toString(), type | (entry.getMode() & 07777),
                    LinuxCalls.makedev(entry.getDevMajor(), entry.getDevMinor()));
        } else if (entry.isFile()) {
            try (var out = Files.newOutputStream(target, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                tar.transferTo(out);
            }
        } else {
            return; // other types (GNU volume headers, …) carry no file
        }
        setAttributes(entry, target);
    }

    private static void link(TarArchiveEntry entry, Path target, Path upper, RootedResolver resolver) throws IOException {
        var linkComponents = clean(entry.getLinkName());
        if (linkComponents.isEmpty()) {
            throw new LayerRejectedException("hard link '" + entry.getName() + "' has no target");
        }
        var linkParent = resolver.directory(linkComponents.subList(0, linkComponents.size() - 1), entry.getName());
        var source = linkParent.resolve(linkComponents.getLast());
        if (!Files.exists(source, LinkOption.NOFOLLOW_LINKS)) {
            var lower = resolver.lowerCopy(upper.relativize(source).toString());
            if (lower == null) {
                throw new LayerRejectedException("hard link '" + entry.getName() + "' points to '" + entry.getLinkName()
                        + "', which does not exist in the image");
            }
            Files.copy(lower, source, StandardCopyOption.COPY_ATTRIBUTES, LinkOption.NOFOLLOW_LINKS);
        }
        if (Files.isDirectory(source, LinkOption.NOFOLLOW_LINKS)) {
            throw new LayerRejectedException("hard link '" + entry.getName() + "' points to a directory");
        }
        Files.createLink(target, source);
    }

    private static void setAttributes(TarArchiveEntry entry, Path target) throws IOException {
        boolean symlink = entry.isSymbolicLink();
        Files.setAttribute(target, "unix:uid", (int) entry.getLongUserId(), LinkOption.NOFOLLOW_LINKS);
        Files.setAttribute(target, "unix:gid", (int) entry.getLongGroupId(), LinkOption.NOFOLLOW_LINKS);
        if (!symlink) {
            Files.setAttribute(target, "unix:mode", entry.getMode() & 07777);
        }
        for (var header : entry.getExtraPaxHeaders().entrySet()) {
            var key = header.getKey();
            byte[] value;
            String name;
            if (key.startsWith("SCHILY.xattr.")) {
                name = key.substring("SCHILY.xattr.".length());
                value = header.getValue().getBytes(StandardCharsets.ISO_8859_1);
            } else if (key.startsWith("LIBARCHIVE.xattr.")) {
                name = URLDecoder.decode(key.substring("LIBARCHIVE.xattr.".length()), StandardCharsets.UTF_8);
                value = Base64.getDecoder().decode(header.getValue());
            } else {
                continue;
            }
            if (!name.startsWith("trusted.overlay.")) { // overlay's own attributes are never taken from a layer
                LinuxCalls.lsetxattr(target.toString(), name, value);
            }
        }
        // A FIFO's or device node's times are left as made: the JDK opens a file to set its times, and opening a
        // FIFO blocks until a writer comes (the pull hung for good), opening a device acts on the device.
        if (!entry.isDirectory() && !entry.isFIFO() && !entry.isCharacterDevice() && !entry.isBlockDevice()) {
            setTime(target, FileTime.from(entry.getModTime().toInstant()));
        }
    }

    private static void setTime(Path path, FileTime time) throws IOException {
        Files.getFileAttributeView(path, BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS).setTimes(time, time, null);
    }

    /** Splits an entry name into components; a leading "/" or "./" is dropped, ".." that climbs out is refused. */
    static List<String> clean(String name) {
        var out = new ArrayList<String>();
        for (var part : name.split("/")) {
            if (part.isEmpty() || part.equals(".")) {
                continue;
            }
            if (part.equals("..")) {
                if (out.isEmpty()) {
                    throw new LayerRejectedException("entry '" + name + "' points outside the image root");
                }
                out.removeLast();
                continue;
            }
            if (bytes(part) > NAME_MAX) {
                throw new LayerRejectedException("entry '" + abbreviated(name) + "' has a name longer than NAME_MAX (" + NAME_MAX
                        + " bytes)");
            }
            out.add(part);
        }
        return out;
    }

    private static int bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8).length;
    }

    /** {@code name} cut to a length a message can carry. */
    private static String abbreviated(String name) {
        return name.length() <= 100 ? name : name.substring(0, 100) + "… (" + name.length() + " characters)";
    }

    private static String checkName(String name, TarArchiveEntry entry) {
        if (name.isEmpty() || name.equals(".") || name.equals("..")) {
            throw new LayerRejectedException("whiteout '" + entry.getName() + "' names no file");
        }
        return name;
    }
}
