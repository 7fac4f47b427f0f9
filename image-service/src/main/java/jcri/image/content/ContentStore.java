package jcri.image.content;

import io.grpc.Status;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.DigestOutputStream;
import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import java.util.function.LongConsumer;
import java.util.logging.Logger;
import jcri.api.CriException;
import jcri.snapshot.Usage;

/**
 * Content-addressed blobs under {@code <root>/blobs/sha256/<hex>}. A blob becomes visible only
 * once every byte has been checked against its digest and size: downloads stream into
 * {@code <root>/ingest/} and are renamed into place after the check; a crash or a mismatch leaves
 * nothing behind in {@code blobs/} (leftover ingest files are removed at start).
 */
public final class ContentStore {
    private static final Logger LOG = Logger.getLogger(ContentStore.class.getName());
    private final Path blobs;
    private final Path ingest;

    public ContentStore(Path root) {
        this.blobs = root.resolve("blobs/sha256");
        this.ingest = root.resolve("ingest");
        try {
            Files.createDirectories(blobs);
            Files.createDirectories(ingest);
            try (var leftovers = Files.list(ingest)) {
                for (var file : leftovers.toList()) {
                    Files.deleteIfExists(file);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare the content store under " + root, e);
        }
    }

    public boolean has(String digest) {
        return Files.isRegularFile(path(digest));
    }

    public Path path(String digest) {
        return blobs.resolve(Digests.hex(digest));
    }

    public byte[] read(String digest) {
        try {
            return Files.readAllBytes(path(digest));
        } catch (NoSuchFileException e) {
            throw CriException.notFound("blob %s is not in the content store", digest);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read blob " + digest, e);
        }
    }

    public long size(String digest) {
        try {
            return Files.size(path(digest));
        } catch (IOException e) {
            return 0;
        }
    }

    /**
     * Streams {@code in} into the store as {@code digest}, failing (and keeping nothing) when the
     * stream is longer or shorter than {@code size} or hashes to anything else. {@code progress}
     * hears every chunk's length. Returns the blob's path.
     */
    public Path write(String digest, long size, InputStream in, LongConsumer progress) throws IOException {
        Digests.require(digest);
        var target = path(digest);
        if (Files.isRegularFile(target)) {
            return target;
        }
        var temp = ingest.resolve(Digests.hex(digest).substring(0, 12) + "-" + UUID.randomUUID());
        try {
            var sha = Digests.sha256();
            try (var channel = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                 var out = new DigestOutputStream(Channels.newOutputStream(channel), sha)) {
                var buffer = new byte[128 * 1024];
                long total = 0;
                for (int n; (n = in.read(buffer)) > 0; ) {
                    total += n;
                    if (size >= 0 && total > size) {
                        throw new CriException(Status.Code.DATA_LOSS,
                                "blob " + digest + " is longer than the " + size + " bytes its descriptor declares");
                    }
                    out.write(buffer, 0, n);
                    progress.accept(n);
                }
                if (size >= 0 && total != size) {
                    throw new CriException(Status.Code.DATA_LOSS,
                            "blob " + digest + " ended after " + total + " of " + size + " bytes");
                }
                out.flush();
                channel.force(true);
            }
            var actual = Digests.format(sha.digest());
            if (!actual.equals(digest)) {
                throw new CriException(Status.Code.DATA_LOSS,
                        "digest mismatch: the registry sent " + actual + " for blob " + digest + "; nothing was stored");
            }
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            return target;
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /**
     * Moves {@code file}, whose content its writer hashed to {@code digest} as it wrote it, into the store (a rename:
     * the file must be on the store's file system); a blob already there is kept and the file left alone.
     */
    public Path adopt(String digest, Path file) throws IOException {
        var target = path(digest);
        if (!Files.isRegularFile(target)) {
            Files.move(file, target, StandardCopyOption.ATOMIC_MOVE);
        }
        return target;
    }

    /** Writes small content already in memory (manifests, configs) after checking its digest. */
    public void put(String digest, byte[] content) throws IOException {
        write(digest, content.length, new ByteArrayInputStream(content), n -> { });
    }

    /** Deletes every blob not in {@code keep}; returns the bytes freed. */
    public long retainOnly(Set<String> keep) {
        var keepHex = new HashSet<String>();
        keep.forEach(d -> keepHex.add(Digests.hex(d)));
        long freed = 0;
        try (var files = Files.list(blobs)) {
            for (var file : files.toList()) {
                if (!keepHex.contains(file.getFileName().toString())) {
                    long size = Files.size(file);
                    try {
                        Files.delete(file);
                        freed += size;
                    } catch (IOException e) {
                        LOG.warning("cannot delete unused blob " + file + ": " + e);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + blobs, e);
        }
        return freed;
    }

    /** Bytes and files held in the store. */
    public Usage usage() {
        long bytes = 0;
        long files = 0;
        try (var list = Files.list(blobs)) {
            for (var file : list.toList()) {
                bytes += Files.size(file);
                files++;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + blobs, e);
        }
        return new Usage(bytes, files);
    }
}
