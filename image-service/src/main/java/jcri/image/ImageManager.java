package jcri.image;

import io.grpc.Status;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.logging.Logger;
import jcri.api.CriException;
import jcri.image.content.ContentStore;
import jcri.image.ref.ImageReference;
import jcri.image.ref.InvalidReferenceException;
import jcri.image.registry.Credentials;
import jcri.image.registry.EnvironmentProxySelector;
import jcri.image.store.ImageRecord;
import jcri.image.store.ImageStore;
import jcri.snapshot.Info;
import jcri.snapshot.SnapshotException;
import jcri.snapshot.Snapshotter;
import jcri.store.Trees;

/**
 * The node's images: pulls (one download per image however many ask at once), imports and exports of image
 * archives, lookups, removal and garbage collection of blobs and layer snapshots no image uses any more. Knows
 * nothing of gRPC.
 */
public final class ImageManager implements ImageLookup {
    private static final Logger LOG = Logger.getLogger(ImageManager.class.getName());
    private final ImageStore images;
    private final ContentStore content;
    private final Snapshotter snapshots;
    private final ImagePuller puller;
    private final ImageImporter importer;
    private final ImageExporter exporter;
    private final PullMetrics metrics;
    private final Duration pullTimeout;
    private final String sandboxImage;
    private final SnapshotUsers users;
    private final jcri.image.registry.AuthFile authFile;
    private final Map<String, CompletableFuture<ImageRecord>> inFlight = new ConcurrentHashMap<>();
    /** Pulls hold the read side, garbage collection the write side, so GC never deletes what a pull is using. */
    private final ReentrantReadWriteLock gcLock = new ReentrantReadWriteLock();

    /**
     * Opens the image state under {@code root} ({@code content/}, {@code snapshots/}, {@code images/}) with {@code config};
     * an image whose top layer has a snapshot {@code users} names cannot be removed.
     */
    public static ImageManager open(Path root, ImageConfig config, io.micrometer.core.instrument.MeterRegistry registry,
                                    SnapshotUsers users) {
        var content = new ContentStore(root.resolve("content"));
        var snapshots = new jcri.snapshot.OverlaySnapshotter(root.resolve("snapshots"));
        var metrics = new PullMetrics(registry);
        var unpacker = new LayerUnpacker(snapshots, new jcri.image.unpack.LayerApplier(new jcri.image.unpack.LayerApplier.Limits(
                config.maxLayerUnpackedBytes(), config.maxExpansionRatio())));
        var puller = new ImagePuller(new jcri.image.registry.EndpointResolver(config.registries(), proxies(),
                new jcri.image.registry.HostsDirectory(config.configPath())), new jcri.image.registry.TokenCache(),
                new jcri.image.registry.ManifestFetcher(jcri.image.registry.PlatformMatcher.node()), content, unpacker,
                config.maxConcurrentDownloads(), metrics,
                jcri.steps.Steps.of(registry));
        var importer = new ImageImporter(content, unpacker, jcri.image.registry.PlatformMatcher.node(), imports(root.resolve("imports")));
        var manager = new ImageManager(new ImageStore(root.resolve("images")), content, snapshots, puller, importer,
                new ImageExporter(content), metrics, Duration.ofSeconds(config.pullTimeoutSeconds()), config.sandboxImage(), users,
                new jcri.image.registry.AuthFile(config.authFile()));
        manager.collectGarbage();
        return manager;
    }

    /** The directory imports spool archives in, emptied of what a crash left. */
    private static Path imports(Path dir) {
        try {
            Trees.delete(dir);
            return Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare " + dir, e);
        }
    }

    /** The proxies of the daemon's environment, read once; logged when there are any. */
    private static jcri.image.registry.EnvironmentProxySelector proxies() {
        var proxies = EnvironmentProxySelector.from(System.getenv());
        if (proxies.proxies()) {
            LOG.info("registry connections use proxies from the environment: " + proxies);
        }
        return proxies;
    }

    /** Uses {@code hosts} as the per-registry settings ({@code [images.registries]}) from the next pull on. */
    public void configureRegistries(Map<String, RegistryHost> hosts) {
        puller.configureRegistries(hosts);
    }

    /** The snapshotter that holds the image layers; containers take their writable layers from it too. */
    public Snapshotter snapshotter() {
        return snapshots;
    }

    ImageManager(ImageStore images, ContentStore content, Snapshotter snapshots, ImagePuller puller, ImageImporter importer,
                 ImageExporter exporter, PullMetrics metrics, Duration pullTimeout, String sandboxImage, SnapshotUsers users,
                 jcri.image.registry.AuthFile authFile) {
        this.images = images;
        this.content = content;
        this.snapshots = snapshots;
        this.puller = puller;
        this.importer = importer;
        this.exporter = exporter;
        this.metrics = metrics;
        this.pullTimeout = pullTimeout;
        this.sandboxImage = sandboxImage;
        this.users = users;
        this.authFile = authFile;
    }

    /**
     * Pulls {@code reference} and returns the image. Concurrent pulls of the same reference share
     * one download; interrupting the caller (a cancelled RPC) or the pull timeout stops it. Anonymous {@code given}
     * credentials are replaced by those the node-wide auth file holds for the registry, if any.
     */
    public LocalImage pull(String reference, Credentials given) throws InterruptedException {
        ImageReference ref;
        try {
            ref = ImageReference.parse(reference);
        } catch (InvalidReferenceException e) {
            throw CriException.invalid("%s", e.getMessage());
        }
        var credentials = given.anonymous() ? authFile.credentialsFor(ref.domain()) : given;
        var mine = new CompletableFuture<ImageRecord>();
        var shared = inFlight.putIfAbsent(ref.toString(), mine);
        if (shared != null) {
            return awaitShared(shared, ref).toLocal();
        }
        long started = System.nanoTime();
        var worker = Thread.ofVirtual().name("pull " + ref).unstarted(() -> {
            gcLock.readLock().lock();
            ImageRecord pulled = null;
            Throwable failure = null;
            try {
                pulled = images.add(puller.pull(ref, credentials));
            } catch (Throwable t) {
                failure = t;
            } finally {
                gcLock.readLock().unlock();
                // leave the table before completing, so a pull asked for after this one ends starts afresh
                inFlight.remove(ref.toString(), mine);
            }
            if (failure == null) {
                mine.complete(pulled);
            } else {
                mine.completeExceptionally(failure);
                // what the failed pull downloaded and unpacked belongs to no image: once no other pull runs, it goes
                collectGarbage();
            }
        });
        worker.start();
        try {
            var record = pullTimeout.isZero() ? mine.get() : mine.get(pullTimeout.toMillis(), TimeUnit.MILLISECONDS);
            metrics.succeeded(Duration.ofNanos(System.nanoTime() - started));
            LOG.info(() -> "pulled " + ref + " as " + record.id() + " in " + (System.nanoTime() - started) / 1_000_000 + " ms");
            return record.toLocal();
        } catch (TimeoutException e) {
            stop(worker);
            metrics.failed(Status.Code.DEADLINE_EXCEEDED, Duration.ofNanos(System.nanoTime() - started));
            throw new CriException(Status.Code.DEADLINE_EXCEEDED, "pull of " + ref + " did not finish within " + pullTimeout.toSeconds()
                    + " s (pull_timeout_seconds); it was stopped and its partial layers removed");
        } catch (InterruptedException e) {
            stop(worker);
            metrics.failed(Status.Code.CANCELLED, Duration.ofNanos(System.nanoTime() - started));
            throw e;
        } catch (ExecutionException e) {
            var error = failure(ref, e.getCause());
            metrics.failed(error.code(), Duration.ofNanos(System.nanoTime() - started));
            throw error;
        }
    }

    private static ImageRecord awaitShared(CompletableFuture<ImageRecord> shared, ImageReference ref) throws InterruptedException {
        try {
            return shared.get();
        } catch (ExecutionException e) {
            throw failure(ref, e.getCause());
        }
    }

    /** Interrupts a pull and waits for its clean-up (partial snapshots removed) to finish. */
    private static void stop(Thread worker) throws InterruptedException {
        worker.interrupt();
        worker.join(Duration.ofSeconds(30));
    }

    private static CriException failure(ImageReference ref, Throwable cause) {
        return switch (cause) {
            case CriException e -> new CriException(e.code(), "pull of " + ref + " failed: " + e.getMessage(), e);
            case SnapshotException e -> CriException.internal("pull of " + ref + " failed: " + e.getMessage(), e);
            case IllegalArgumentException e -> CriException.invalid("pull of %s failed: %s", ref, e.getMessage());
            case IOException e -> new CriException(Status.Code.UNAVAILABLE, "pull of " + ref + " failed: " + e.getMessage(), e);
            default -> CriException.internal("pull of " + ref + " failed: " + cause, cause);
        };
    }

    /**
     * Stores the images of the archive {@code in} (an OCI image layout or {@code docker save} tar) as a pull would,
     * their names moving off any image that had them. A bad archive is INVALID_ARGUMENT and leaves nothing behind.
     */
    public List<LocalImage> importArchive(InputStream in) throws IOException {
        long started = System.nanoTime();
        List<ImageRecord> stored = new ArrayList<>();
        try (var archive = importer.spool(in)) { // however long the client takes, garbage collection is not held up
            gcLock.readLock().lock();
            try {
                for (var record : importer.store(archive)) {
                    stored.add(images.add(record));
                }
            } finally {
                gcLock.readLock().unlock();
                if (stored.isEmpty()) {
                    collectGarbage(); // what a failed import stored or unpacked belongs to no image
                }
            }
        } catch (CriException e) {
            throw e.code() == Status.Code.DATA_LOSS ? CriException.invalid("the image archive is damaged: %s", e.getMessage()) : e;
        } catch (IllegalArgumentException e) {
            throw CriException.invalid("the image archive is damaged: %s", e.getMessage());
        }
        LOG.info(() -> "imported " + stored.stream().map(r -> r.id() + " " + r.repoTags()).toList() + " in "
                + (System.nanoTime() - started) / 1_000_000 + " ms");
        return stored.stream().map(ImageRecord::toLocal).toList();
    }

    /**
     * Writes the images {@code references} name (as {@link #find} takes them) to {@code out} as one OCI image layout tar
     * with a docker {@code manifest.json}; an unknown one is NOT_FOUND before anything is written.
     */
    public void exportArchive(List<String> references, OutputStream out) throws IOException {
        if (references.isEmpty()) {
            throw CriException.invalid("name at least one image to export");
        }
        var records = new ArrayList<ImageRecord>();
        for (var reference : references) {
            var record = images.find(reference).orElseThrow(() -> CriException.notFound("image %s is not on this node", reference));
            if (!records.contains(record)) {
                records.add(record);
            }
        }
        gcLock.readLock().lock();
        try {
            exporter.export(records, out);
        } finally {
            gcLock.readLock().unlock();
        }
    }

    @Override
    public Optional<LocalImage> find(String reference) {
        return images.find(reference).map(ImageRecord::toLocal);
    }

    public List<LocalImage> list() {
        return images.all().stream().map(ImageRecord::toLocal).toList();
    }

    /** The raw image config JSON of an image, for verbose status. */
    public String configJson(LocalImage image) {
        return new String(content.read(image.id()), java.nio.charset.StandardCharsets.UTF_8);
    }

    /** True for the configured sandbox image, which garbage collection must keep. */
    public boolean pinned(LocalImage image) {
        if (sandboxImage.isEmpty()) {
            return false;
        }
        return images.find(sandboxImage).map(r -> r.id().equals(image.id())).orElse(false);
    }

    /**
     * Removes {@code reference}: a tag or digest reference of an image that has others only loses
     * that reference; otherwise the image goes, with every blob and layer no other image uses.
     * An unknown reference is not an error (the CRI asks RemoveImage to be idempotent); an image in use
     * (see {@link SnapshotUsers}) is FAILED_PRECONDITION.
     */
    public void remove(String reference) {
        var found = images.find(reference);
        if (found.isEmpty()) {
            return;
        }
        var image = found.get();
        var tags = new ArrayList<>(image.repoTags());
        var digests = new ArrayList<>(image.repoDigests());
        boolean untagged = false;
        if (ImageReference.isValid(reference) && !reference.startsWith("sha256:")) {
            var ref = ImageReference.parse(reference);
            untagged = ref.hasDigest() ? digests.remove(ref.withDigest(ref.digest())) : tags.remove(ref.tagged());
        }
        if (untagged && !tags.isEmpty()) {
            images.update(new ImageRecord(image.id(), tags, digests.stream().filter(d -> stillNamed(d, tags)).toList(),
                    image.size(), image.blobs(), image.chainIds(), image.spec()));
            return;
        }
        requireUnused(image);
        images.delete(image.id());
        collectGarbage();
    }

    /** Refuses to remove an image whose top layer something uses, unless another image has the same layers. */
    private void requireUnused(ImageRecord image) {
        var top = image.toLocal().chainId();
        if (images.all().stream().anyMatch(other -> !other.id().equals(image.id()) && other.toLocal().chainId().equals(top))) {
            return;
        }
        for (var snapshot : snapshots.list()) {
            if (snapshot.parent().equals(top)) {
                var user = users.user(snapshot);
                if (user.isPresent()) {
                    throw CriException.failedPrecondition("image %s is in use by the %s", image.id(), user.get());
                }
            }
        }
    }

    /** A digest reference stays while a tag of the same repository remains. */
    private static boolean stillNamed(String digestRef, List<String> tags) {
        var name = digestRef.substring(0, digestRef.indexOf('@'));
        return tags.stream().anyMatch(t -> t.substring(0, t.lastIndexOf(':')).equals(name));
    }

    /**
     * Deletes blobs and committed layer snapshots that no image needs. Layers still under a
     * container's writable snapshot stay until that container is removed and this runs again.
     */
    public void collectGarbage() {
        gcLock.writeLock().lock();
        try {
            var keepBlobs = new HashSet<String>();
            var keepLayers = new HashSet<String>();
            for (var image : images.all()) {
                keepBlobs.addAll(image.blobs());
                keepLayers.addAll(image.chainIds());
            }
            long freed = content.retainOnly(keepBlobs);
            int layers = 0;
            for (var info : snapshots.list()) {
                if (info.kind() == Info.Kind.ACTIVE && info.key().startsWith(LayerUnpacker.EXTRACT_PREFIX)) {
                    snapshots.remove(info.key()); // an unpack a crash interrupted: no pull runs while GC holds the lock
                    layers++;
                }
            }
            boolean progress = true;
            while (progress) {
                progress = false;
                var all = snapshots.list();
                var parents = new HashSet<String>();
                all.forEach(i -> parents.add(i.parent()));
                for (var info : all) {
                    if (info.kind() == Info.Kind.COMMITTED && !keepLayers.contains(info.key()) && !parents.contains(info.key())) {
                        snapshots.remove(info.key());
                        layers++;
                        progress = true;
                    }
                }
            }
            if (freed > 0 || layers > 0) {
                LOG.info("image garbage collection freed " + freed + " bytes of blobs and " + layers + " layer snapshots");
            }
        } finally {
            gcLock.writeLock().unlock();
        }
    }

    /** Bytes and inodes used by images: blobs plus the committed layer snapshots. */
    public jcri.snapshot.Usage usage() {
        var blobs = content.usage();
        long bytes = blobs.bytes();
        long inodes = blobs.inodes();
        for (var info : snapshots.list()) {
            if (info.kind() == Info.Kind.COMMITTED) {
                var usage = snapshots.usage(info.key());
                bytes += usage.bytes();
                inodes += usage.inodes();
            }
        }
        return new jcri.snapshot.Usage(bytes, inodes);
    }
}
