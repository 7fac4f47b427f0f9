package jcri.image.registry;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.grpc.Status;
import java.io.IOException;
import jcri.api.CriException;
import jcri.image.content.Digests;
import jcri.image.oci.ImageIndex;
import jcri.image.oci.Manifest;
import jcri.image.oci.MediaTypes;
import jcri.image.oci.Platform;

/**
 * Fetches a manifest by tag or digest and, when it is an index or manifest list, the entry for
 * this node's platform. Every fetched document is checked against its digest.
 */
public final class ManifestFetcher {
    /** Largest manifest accepted; real ones are a few KiB. */
    static final int MAX_MANIFEST_BYTES = 4 << 20;
    private static final ObjectMapper JSON = new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    private static final String ACCEPT = String.join(", ", MediaTypes.OCI_INDEX, MediaTypes.DOCKER_LIST,
            MediaTypes.OCI_MANIFEST, MediaTypes.DOCKER_MANIFEST);
    private final Platform node;

    public ManifestFetcher(Platform node) {
        this.node = node;
    }

    /** A fetched document with its digest and media type. */
    public record Fetched(String digest, String mediaType, byte[] content) {
    }

    /** The resolved image: the top-level document the reference named and the platform manifest. */
    public record Resolved(Fetched top, Fetched manifest, Manifest parsed) {
    }

    public Resolved resolve(RegistrySession session, String reference) throws IOException, InterruptedException {
        var top = fetch(session, reference, reference.startsWith("sha256:") ? reference : "");
        if (MediaTypes.isIndex(top.mediaType())) {
            var index = JSON.readValue(top.content(), ImageIndex.class);
            var chosen = PlatformMatcher.select(node, index.manifests());
            var manifest = fetch(session, chosen.digest(), chosen.digest());
            return new Resolved(top, manifest, parseManifest(manifest));
        }
        return new Resolved(top, top, parseManifest(top));
    }

    private static Manifest parseManifest(Fetched fetched) throws IOException {
        if (!MediaTypes.isManifest(fetched.mediaType())) {
            throw new CriException(Status.Code.FAILED_PRECONDITION, "manifest " + fetched.digest() + " has unsupported media type '"
                    + fetched.mediaType() + "' (supported: OCI and Docker schema 2 manifests and indexes)");
        }
        var manifest = JSON.readValue(fetched.content(), Manifest.class);
        if (manifest.config() == null) {
            throw new CriException(Status.Code.FAILED_PRECONDITION, "manifest " + fetched.digest() + " names no config");
        }
        return manifest;
    }

    private static Fetched fetch(RegistrySession session, String reference, String expectedDigest) throws IOException, InterruptedException {
        var response = session.get("manifests/" + reference, ACCEPT, "manifest " + reference);
        byte[] content;
        try (var in = response.body()) {
            content = in.readNBytes(MAX_MANIFEST_BYTES + 1);
        }
        if (content.length > MAX_MANIFEST_BYTES) {
            throw new CriException(Status.Code.FAILED_PRECONDITION, "manifest " + reference + " is larger than " + MAX_MANIFEST_BYTES + " bytes");
        }
        var digest = Digests.of(content);
        if (!expectedDigest.isEmpty() && !digest.equals(expectedDigest)) {
            throw new CriException(Status.Code.DATA_LOSS, "digest mismatch: manifest " + expectedDigest + " from " + session.repository()
                    + " hashes to " + digest);
        }
        var header = response.headers().firstValue("Docker-Content-Digest").orElse("");
        if (expectedDigest.isEmpty() && header.startsWith("sha256:") && !header.equals(digest)) {
            throw new CriException(Status.Code.DATA_LOSS, "digest mismatch: registry says manifest " + reference + " is "
                    + header + " but its content hashes to " + digest);
        }
        return new Fetched(digest, mediaType(response.headers().firstValue("Content-Type").orElse(""), content), content);
    }

    /** The document's own mediaType field wins over a generic Content-Type. */
    private static String mediaType(String contentType, byte[] content) throws IOException {
        JsonNode node = JSON.readTree(content);
        var field = node.path("mediaType").asText("");
        if (!field.isEmpty()) {
            return field;
        }
        var header = contentType.split(";")[0].strip();
        if (MediaTypes.MANIFESTS.contains(header)) {
            return header;
        }
        return node.has("manifests") ? MediaTypes.OCI_INDEX : MediaTypes.OCI_MANIFEST;
    }
}
