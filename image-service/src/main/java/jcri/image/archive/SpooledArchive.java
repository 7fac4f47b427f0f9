package jcri.image.archive;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import jcri.api.CriException;
import jcri.image.content.Digests;
import jcri.image.oci.Descriptor;
import jcri.store.Trees;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * An image archive (a tar stream) read once, front to back, into a private directory: each regular file is
 * written to disk while its sha256 is computed, so the archive is never held in memory and its index may come
 * last. Symbolic and hard links between its files (older {@code docker save} links repeated layers) name the
 * file they point to. A file under {@code blobs/sha256/} must hash to its name. Closing deletes the directory.
 */
public final class SpooledArchive implements AutoCloseable {
    /** Largest JSON document (index, manifest, config) read into memory. */
    static final int MAX_JSON_BYTES = 8 << 20;
    private static final String BLOBS = "blobs/";

    /** A link entry: its name and the name of the file it stands for. */
    private record Link(String name, String target) {
    }

    private final Path dir;
    private final Map<String, ArchiveFile> files = new HashMap<>();
    private int written;

    private SpooledArchive(Path dir) {
        this.dir = dir;
    }

    /**
     * Reads the tar {@code in} into the new directory {@code dir}. A stream that is not a tar, ends early or holds a
     * blob whose content differs from its name is INVALID_ARGUMENT and leaves nothing behind.
     */
    public static SpooledArchive read(InputStream in, Path dir) throws IOException {
        Files.createDirectories(dir);
        var archive = new SpooledArchive(dir);
        try {
            archive.readAll(in);
            return archive;
        } catch (IOException | RuntimeException e) {
            archive.close();
            throw e;
        }
    }

    private void readAll(InputStream in) throws IOException {
        var tar = new TarArchiveInputStream(in, StandardCharsets.UTF_8.name());
        var links = new ArrayDeque<Link>();
        boolean any = false;
        for (TarArchiveEntry entry; (entry = next(tar)) != null; ) {
            any = true;
            var name = clean(entry.getName());
            if (entry.isSymbolicLink()) {
                links.add(new Link(name, resolve(parent(name), entry.getLinkName())));
            } else if (entry.isLink()) {
                links.add(new Link(name, clean(entry.getLinkName())));
            } else if (entry.isFile()) {
                files.put(name, spool(name, tar));
            }
        }
        if (!any) {
            throw CriException.invalid("the image archive is empty or not a tar archive");
        }
        // a link may come before its target and may name another link; one to nothing stays out
        for (boolean progress = true; progress && !links.isEmpty(); ) {
            progress = false;
            for (int n = links.size(); n > 0; n--) {
                var link = links.poll();
                var target = files.get(link.target());
                if (target == null) {
                    links.add(link);
                } else {
                    files.put(link.name(), new ArchiveFile(link.name(), target.digest(), target.size(), target.path()));
                    progress = true;
                }
            }
        }
    }

    private static TarArchiveEntry next(TarArchiveInputStream tar) {
        try {
            return tar.getNextEntry();
        } catch (IOException e) {
            throw CriException.invalid("the image archive is not a readable tar archive: %s", e.getMessage());
        }
    }

    private ArchiveFile spool(String name, TarArchiveInputStream tar) throws IOException {
        var path = dir.resolve(Integer.toString(written++));
        var sha = Digests.sha256();
        long size = 0;
        try (var out = new DigestOutputStream(Files.newOutputStream(path), sha)) {
            var buffer = new byte[128 * 1024];
            for (int n; (n = read(tar, buffer, name)) > 0; ) {
                out.write(buffer, 0, n);
                size += n;
            }
        }
        var digest = Digests.format(sha.digest());
        if (name.startsWith(BLOBS)) {
            var expected = name.substring(BLOBS.length()).replaceFirst("/", ":");
            if (!expected.startsWith("sha256:")) {
                throw CriException.invalid("the image archive holds %s: only sha256 blobs are supported", name);
            }
            if (!expected.equals(digest)) {
                throw CriException.invalid("the image archive's %s does not match its name: its content is %s", name, digest);
            }
        }
        return new ArchiveFile(name, digest, size, path);
    }

    private static int read(TarArchiveInputStream tar, byte[] buffer, String name) {
        try {
            return tar.read(buffer);
        } catch (IOException e) {
            throw CriException.invalid("the image archive ends inside %s (truncated?): %s", name, e.getMessage());
        }
    }

    /** The file named {@code name}, if the archive holds one. */
    public Optional<ArchiveFile> file(String name) {
        return Optional.ofNullable(files.get(clean(name)));
    }

    /** The blob {@code descriptor} names, which must be in the archive with the size it declares. */
    public ArchiveFile blob(Descriptor descriptor, String what) {
        String digest;
        try {
            digest = Digests.require(descriptor.digest());
        } catch (IllegalArgumentException e) {
            throw CriException.invalid("the image archive's %s: %s", what, e.getMessage());
        }
        var file = files.get(BLOBS + "sha256/" + Digests.hex(digest));
        if (file == null) {
            throw CriException.invalid("the image archive lacks the %s %s", what, digest);
        }
        if (descriptor.size() != file.size()) {
            throw CriException.invalid("the image archive's %s %s has %d bytes, not the %d its descriptor declares", what, digest,
                    file.size(), descriptor.size());
        }
        return file;
    }

    /** Whether the archive holds the blob {@code digest}. */
    public boolean hasBlob(String digest) {
        return digest != null && digest.startsWith("sha256:") && files.containsKey(BLOBS + "sha256/" + digest.substring(7));
    }

    /** The content of a small file (a JSON document); INVALID_ARGUMENT when it is too large. */
    public byte[] bytes(ArchiveFile file) {
        if (file.size() > MAX_JSON_BYTES) {
            throw CriException.invalid("the image archive's %s is too large (%d bytes) for a JSON document", file.name(), file.size());
        }
        try {
            return Files.readAllBytes(file.path());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Adds content made while reading the archive (a manifest for a {@code docker save} image) as one of its files. */
    public ArchiveFile add(String name, byte[] content) throws IOException {
        var path = dir.resolve(Integer.toString(written++));
        Files.write(path, content);
        var file = new ArchiveFile(name, Digests.of(content), content.length, path);
        files.put(name, file);
        return file;
    }

    @Override
    public void close() throws IOException {
        Trees.delete(dir);
    }

    /** A name without {@code ./}, empty or {@code .} components; {@code ..} is refused. */
    static String clean(String name) {
        var out = new StringBuilder();
        for (var part : name.split("/")) {
            if (part.isEmpty() || part.equals(".")) {
                continue;
            }
            if (part.equals("..")) {
                throw CriException.invalid("the image archive names a file outside itself: %s", name);
            }
            if (!out.isEmpty()) {
                out.append('/');
            }
            out.append(part);
        }
        return out.toString();
    }

    private static String parent(String name) {
        int slash = name.lastIndexOf('/');
        return slash < 0 ? "" : name.substring(0, slash);
    }

    /** {@code target} of a symbolic link in {@code dir}, as an archive name. */
    private static String resolve(String dir, String target) {
        if (target.startsWith("/")) {
            return clean(target);
        }
        var parts = new ArrayDeque<String>();
        for (var part : (dir + "/" + target).split("/")) {
            if (part.equals("..")) {
                if (parts.isEmpty()) {
                    throw CriException.invalid("the image archive links outside itself: %s", target);
                }
                parts.removeLast();
            } else if (!part.isEmpty() && !part.equals(".")) {
                parts.add(part);
            }
        }
        return String.join("/", parts);
    }
}
