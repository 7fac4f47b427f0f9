package jcri.image;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.grpc.Status;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.logging.Logger;
import jcri.api.CriException;
import jcri.image.content.ContentStore;
import jcri.image.content.Digests;
import jcri.image.oci.Descriptor;
import jcri.image.oci.ImageConfigFile;
import jcri.image.oci.MediaTypes;
import jcri.image.ref.ImageReference;
import jcri.image.registry.Credentials;
import jcri.image.registry.EndpointResolver;
import jcri.image.registry.ManifestFetcher;
import jcri.image.registry.RegistrySession;
import jcri.image.registry.TokenCache;
import jcri.image.store.ImageRecord;
import jcri.image.unpack.LayerApplier;
import jcri.image.unpack.LayerRejectedException;
import jcri.snapshot.SnapshotException;
import jcri.snapshot.Snapshotter;
import jcri.steps.Steps;

/**
 * One pull from manifest to committed snapshots: resolves the manifest for this platform, fetches
 * the config, downloads up to {@code max_concurrent_downloads} layers at once into the content
 * store while earlier layers are already being unpacked, in order, each into a snapshot named by
 * its chain id (layers already present are skipped, so images share them).
 */
final class ImagePuller {
    private static final Logger LOG = Logger.getLogger(ImagePuller.class.getName());
    private static final ObjectMapper JSON = new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    private static final int MAX_CONFIG_BYTES = 8 << 20;
    /** Key prefix of the active snapshots a layer is unpacked into before it is committed. */
    static final String EXTRACT_PREFIX = "extract-";

    private final EndpointResolver endpoints;
    private final TokenCache tokens;
    private final ManifestFetcher manifests;
    private final ContentStore content;
    private final Snapshotter snapshots;
    private final LayerApplier applier;
    private final int maxConcurrentDownloads;
    private final PullMetrics metrics;
    private final Steps steps;

    ImagePuller(EndpointResolver endpoints, TokenCache tokens, ManifestFetcher manifests, ContentStore content,
                Snapshotter snapshots, LayerApplier applier, int maxConcurrentDownloads, PullMetrics metrics, Steps steps) {
        this.steps = steps;
        this.endpoints = endpoints;
        this.tokens = tokens;
        this.manifests = manifests;
        this.content = content;
        this.snapshots = snapshots;
        this.applier = applier;
        this.maxConcurrentDownloads = maxConcurrentDownloads;
        this.metrics = metrics;
    }

    /** Uses {@code hosts} as the per-registry settings from the next pull on. */
    void configureRegistries(Map<String, RegistryHost> hosts) {
        endpoints.configure(hosts);
    }

    /** Pulls {@code ref}; interrupting the calling thread stops every download and unpack and cleans up. */
    ImageRecord pull(ImageReference ref, Credentials credentials) throws IOException, InterruptedException {
        var session = new RegistrySession(endpoints.endpoints(ref.domain()), ref.domain(), ref.path(), credentials, tokens,
                endpoints::probeFailed);
        var resolved = manifests.resolve(session, ref.manifestReference());
        var manifest = resolved.parsed();
        var configBytes = fetchSmall(session, manifest.config(), "config");
        var config = JSON.readValue(configBytes, ImageConfigFile.class);
        var diffIds = config.rootfs().diffIds();
        if (diffIds.size() != manifest.layers().size()) {
            throw new CriException(Status.Code.FAILED_PRECONDITION, "image " + ref + " is inconsistent: its manifest lists "
                    + manifest.layers().size() + " layers but its config " + diffIds.size() + " diff ids");
        }
        var chainIds = chainIds(diffIds);
        var layers = manifest.layers();
        try (var downloads = Executors.newVirtualThreadPerTaskExecutor()) {
            var permits = new Semaphore(maxConcurrentDownloads);
            var fetched = new ArrayList<Future<Path>>();
            for (int i = 0; i < layers.size(); i++) {
                var layer = layers.get(i);
                Digests.require(layer.digest());
                MediaTypes.layerCompression(layer.mediaType()); // refuse unknown layer types before downloading
                boolean present = snapshotExists(chainIds.get(i));
                if (present) {
                    metrics.layerReused();
                }
                fetched.add(downloads.submit(() -> present ? null : download(session, layer, permits)));
            }
            try {
                String parent = "";
                for (int i = 0; i < layers.size(); i++) {
                    var blob = await(fetched.get(i));
                    if (blob != null) {
                        int layer = i;
                        var below = parent;
                        steps.run("layer_unpack", () -> unpack(ref, layers.get(layer), blob, diffIds.get(layer), chainIds.get(layer), below));
                    }
                    parent = chainIds.get(i);
                }
            } finally {
                downloads.shutdownNow();
            }
        }
        content.put(resolved.top().digest(), resolved.top().content());
        content.put(resolved.manifest().digest(), resolved.manifest().content());
        var blobs = new ArrayList<String>(List.of(resolved.top().digest(), resolved.manifest().digest(), manifest.config().digest()));
        long size = 0;
        for (var layer : layers) {
            blobs.add(layer.digest());
            size += layer.size();
        }
        return new ImageRecord(manifest.config().digest(),
                ref.hasTag() ? List.of(ref.tagged()) : List.of(),
                List.of(ref.withDigest(resolved.top().digest())),
                size, blobs.stream().distinct().toList(), chainIds, config.spec());
    }

    private byte[] fetchSmall(RegistrySession session, Descriptor descriptor, String what) throws IOException, InterruptedException {
        Digests.require(descriptor.digest());
        if (descriptor.size() > MAX_CONFIG_BYTES) {
            throw new CriException(Status.Code.FAILED_PRECONDITION, what + " " + descriptor.digest() + " is too large ("
                    + descriptor.size() + " bytes)");
        }
        if (!content.has(descriptor.digest())) {
            var response = session.get("blobs/" + descriptor.digest(), "", what + " " + descriptor.digest());
            try (var in = response.body()) {
                content.write(descriptor.digest(), descriptor.size(), in, metrics::bytes);
            }
        }
        return content.read(descriptor.digest());
    }

    private Path download(RegistrySession session, Descriptor layer, Semaphore permits) throws IOException, InterruptedException {
        if (content.has(layer.digest())) {
            return content.path(layer.digest());
        }
        permits.acquire();
        try {
            var response = session.get("blobs/" + layer.digest(), "", "layer " + layer.digest());
            try (var in = response.body()) {
                return content.write(layer.digest(), layer.size(), in, metrics::bytes);
            }
        } finally {
            permits.release();
        }
    }

    private void unpack(ImageReference ref, Descriptor layer, Path blob, String diffId, String chainId, String parent)
            throws IOException {
        if (snapshotExists(chainId)) {
            return; // unpacked meanwhile by a pull of another image that shares the layer
        }
        var key = EXTRACT_PREFIX + UUID.randomUUID() + " " + chainId;
        snapshots.prepare(key, parent);
        boolean committed = false;
        try {
            LayerApplier.Applied applied;
            try (var in = Files.newInputStream(blob)) {
                applied = applier.apply(in, MediaTypes.layerCompression(layer.mediaType()), layer.size(),
                        snapshots.upperDir(key), snapshots.parentDirs(key));
            } catch (LayerRejectedException e) {
                throw CriException.invalid("image %s: layer %s rejected: %s", ref, layer.digest(), e.getMessage());
            }
            if (!applied.diffId().equals(diffId)) {
                throw new CriException(Status.Code.DATA_LOSS, "image " + ref + ": layer " + layer.digest() + " unpacks to "
                        + applied.diffId() + " but the image config says " + diffId);
            }
            try {
                snapshots.commit(chainId, key);
                committed = true;
            } catch (SnapshotException e) {
                if (e.reason() != SnapshotException.Reason.ALREADY_EXISTS) {
                    throw e;
                }
            }
        } finally {
            if (!committed) {
                try {
                    snapshots.remove(key);
                } catch (SnapshotException e) {
                    LOG.warning("cannot remove unfinished layer snapshot " + key + ": " + e.getMessage());
                }
            }
        }
    }

    private boolean snapshotExists(String chainId) {
        try {
            snapshots.stat(chainId);
            return true;
        } catch (SnapshotException e) {
            if (e.reason() == SnapshotException.Reason.NOT_FOUND) {
                return false;
            }
            throw e;
        }
    }

    private static <T> T await(Future<T> future) throws IOException, InterruptedException {
        try {
            return future.get();
        } catch (ExecutionException e) {
            switch (e.getCause()) {
                case IOException io -> throw io;
                case RuntimeException re -> throw re;
                case InterruptedException ie -> throw ie;
                default -> throw new IOException(e.getCause());
            }
        }
    }

    /** chainID(L0) = diffID(L0); chainID(Ln) = sha256(chainID(Ln-1) + " " + diffID(Ln)). */
    static List<String> chainIds(List<String> diffIds) {
        var out = new ArrayList<String>();
        String chain = null;
        for (var diffId : diffIds) {
            Digests.require(diffId);
            chain = chain == null ? diffId : Digests.of((chain + " " + diffId).getBytes(StandardCharsets.UTF_8));
            out.add(chain);
        }
        return out;
    }
}
