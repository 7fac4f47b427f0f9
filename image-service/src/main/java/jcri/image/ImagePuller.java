package jcri.image;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.grpc.Status;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
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
import jcri.steps.Steps;

/**
 * One pull from manifest to committed snapshots: resolves the manifest for this platform, fetches
 * the config, downloads up to {@code max_concurrent_downloads} layers at once into the content
 * store while earlier layers are already being unpacked, in order, each into a snapshot named by
 * its chain id (layers already present are skipped, so images share them).
 */
final class ImagePuller {
    private static final ObjectMapper JSON = new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    private static final int MAX_CONFIG_BYTES = 8 << 20;

    private final EndpointResolver endpoints;
    private final TokenCache tokens;
    private final ManifestFetcher manifests;
    private final ContentStore content;
    private final LayerUnpacker unpacker;
    private final int maxConcurrentDownloads;
    private final PullMetrics metrics;
    private final Steps steps;

    ImagePuller(EndpointResolver endpoints, TokenCache tokens, ManifestFetcher manifests, ContentStore content,
                LayerUnpacker unpacker, int maxConcurrentDownloads, PullMetrics metrics, Steps steps) {
        this.steps = steps;
        this.endpoints = endpoints;
        this.tokens = tokens;
        this.manifests = manifests;
        this.content = content;
        this.unpacker = unpacker;
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
        var chainIds = LayerUnpacker.chainIds(diffIds);
        var layers = manifest.layers();
        try (var downloads = Executors.newVirtualThreadPerTaskExecutor()) {
            var permits = new Semaphore(maxConcurrentDownloads);
            var fetched = new ArrayList<Future<Path>>();
            for (int i = 0; i < layers.size(); i++) {
                var layer = layers.get(i);
                Digests.require(layer.digest());
                MediaTypes.layerCompression(layer.mediaType()); // refuse unknown layer types before downloading
                boolean present = unpacker.exists(chainIds.get(i));
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
                        steps.run("layer_unpack", () -> unpacker.unpack(ref.toString(), layers.get(layer), blob, diffIds.get(layer), chainIds.get(layer), below));
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
}
