package jcri.image.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.grpc.Status;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import jcri.api.CriException;
import jcri.image.content.Digests;
import jcri.image.oci.MediaTypes;
import jcri.image.oci.Platform;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Manifest resolution against a registry served on 127.0.0.1 by the JDK's HTTP server. */
class ManifestFetcherTest {
    private static final Platform NODE = new Platform("amd64", "linux", "", null);
    private static final String CONFIG = "sha256:" + "c".repeat(64);
    private final LocalServer server = new LocalServer();
    private final HttpClient client = HttpClient.newHttpClient();
    /** path under /v2/lib/app/manifests/ → content type, body, optional Docker-Content-Digest */
    private final Map<String, String[]> manifests = new ConcurrentHashMap<>();
    private RegistrySession session;

    @BeforeEach
    void setUp() {
        server.on("/v2/lib/app/manifests/", ex -> {
            var name = ex.getRequestURI().getPath().substring("/v2/lib/app/manifests/".length());
            var m = manifests.get(name);
            if (m == null) {
                LocalServer.json(ex, 404, "{\"errors\":[{\"code\":\"MANIFEST_UNKNOWN\"}]}");
                return;
            }
            if (m.length > 2) {
                ex.getResponseHeaders().set("Docker-Content-Digest", m[2]);
            }
            LocalServer.reply(ex, 200, m[0], m[1].getBytes(StandardCharsets.UTF_8));
        });
        session = new RegistrySession(List.of(new Endpoint(server.base(), client, false, false)), "127.0.0.1", "lib/app",
                Credentials.ANONYMOUS, new TokenCache(), r -> { });
    }

    @AfterEach
    void stop() {
        server.close();
        client.close();
    }

    private static String manifest(String mediaTypeField) {
        return "{\"schemaVersion\":2," + (mediaTypeField == null ? "" : "\"mediaType\":\"" + mediaTypeField + "\",")
                + "\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"" + CONFIG + "\",\"size\":2},"
                + "\"layers\":[{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+gzip\",\"digest\":\"sha256:" + "1".repeat(64)
                + "\",\"size\":10}]}";
    }

    private static String digest(String content) {
        return Digests.of(content.getBytes(StandardCharsets.UTF_8));
    }

    private CriException failure(String reference) {
        return assertThrows(CriException.class, () -> new ManifestFetcher(NODE).resolve(session, reference));
    }

    @Test
    void aTagNamingAManifestResolvesToItAndItsParsedConfigAndLayers() throws Exception {
        var body = manifest(MediaTypes.OCI_MANIFEST);
        manifests.put("1.0", new String[] {MediaTypes.OCI_MANIFEST, body, digest(body)});

        var resolved = new ManifestFetcher(NODE).resolve(session, "1.0");

        assertEquals(digest(body), resolved.top().digest());
        assertEquals(resolved.top(), resolved.manifest());
        assertEquals(CONFIG, resolved.parsed().config().digest());
        assertEquals(1, resolved.parsed().layers().size());
        assertEquals("GET /v2/lib/app/manifests/1.0", server.requests.getFirst().line());
        assertEquals(String.join(", ", MediaTypes.OCI_INDEX, MediaTypes.DOCKER_LIST, MediaTypes.OCI_MANIFEST, MediaTypes.DOCKER_MANIFEST),
                server.requests.getFirst().header("Accept"));
    }

    @Test
    void anIndexResolvesToThePlatformManifestFetchedByDigest() throws Exception {
        var amd = manifest(MediaTypes.DOCKER_MANIFEST);
        var arm = manifest(MediaTypes.OCI_MANIFEST);
        var index = "{\"schemaVersion\":2,\"manifests\":["
                + "{\"mediaType\":\"x\",\"digest\":\"" + digest(arm) + "\",\"size\":1,\"platform\":{\"architecture\":\"arm64\",\"os\":\"linux\"}},"
                + "{\"mediaType\":\"x\",\"digest\":\"" + digest(amd) + "\",\"size\":1,\"platform\":{\"architecture\":\"amd64\",\"os\":\"linux\"}}]}";
        manifests.put("latest", new String[] {MediaTypes.OCI_INDEX, index});
        manifests.put(digest(amd), new String[] {"application/json", amd});

        var resolved = new ManifestFetcher(NODE).resolve(session, "latest");

        assertEquals(MediaTypes.OCI_INDEX, resolved.top().mediaType(), "no mediaType field: the Content-Type header decides");
        assertEquals(digest(amd), resolved.manifest().digest());
        assertEquals(MediaTypes.DOCKER_MANIFEST, resolved.manifest().mediaType(), "the document's field wins over application/json");
    }

    @Test
    void contentThatDoesNotHashToTheDigestAskedForIsDataLoss() {
        var wanted = "sha256:" + "d".repeat(64);
        manifests.put(wanted, new String[] {MediaTypes.OCI_MANIFEST, manifest(MediaTypes.OCI_MANIFEST)});
        var e = failure(wanted);
        assertEquals(Status.Code.DATA_LOSS, e.code());
        assertEquals("digest mismatch: manifest " + wanted + " from lib/app hashes to " + digest(manifest(MediaTypes.OCI_MANIFEST)),
                e.getMessage());
    }

    @Test
    void aTagWhoseDockerContentDigestDisagreesWithTheContentIsDataLoss() {
        var body = manifest(MediaTypes.OCI_MANIFEST);
        var claimed = "sha256:" + "e".repeat(64);
        manifests.put("v1", new String[] {MediaTypes.OCI_MANIFEST, body, claimed});
        var e = failure("v1");
        assertEquals(Status.Code.DATA_LOSS, e.code());
        assertEquals("digest mismatch: registry says manifest v1 is " + claimed + " but its content hashes to " + digest(body), e.getMessage());
    }

    @Test
    void unsupportedMediaTypesAndManifestsWithoutConfigAreFailedPreconditions() {
        var schema1 = "{\"schemaVersion\":1,\"mediaType\":\"application/vnd.docker.distribution.manifest.v1+prettyjws\"}";
        manifests.put("old", new String[] {"application/json", schema1});
        var old = failure("old");
        assertEquals(Status.Code.FAILED_PRECONDITION, old.code());
        assertEquals("manifest " + digest(schema1) + " has unsupported media type 'application/vnd.docker.distribution.manifest.v1+prettyjws' "
                + "(supported: OCI and Docker schema 2 manifests and indexes)", old.getMessage());

        var noConfig = "{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OCI_MANIFEST + "\",\"layers\":[]}";
        manifests.put("bare", new String[] {MediaTypes.OCI_MANIFEST, noConfig});
        assertEquals("manifest " + digest(noConfig) + " names no config", failure("bare").getMessage());
    }

    @Test
    void aManifestLargerThanTheLimitIsRefused() {
        manifests.put("huge", new String[] {MediaTypes.OCI_MANIFEST, " ".repeat(ManifestFetcher.MAX_MANIFEST_BYTES + 1)});
        var e = failure("huge");
        assertEquals(Status.Code.FAILED_PRECONDITION, e.code());
        assertEquals("manifest huge is larger than 4194304 bytes", e.getMessage());
    }

    @Test
    void aMissingTagIsNotFound() {
        var e = failure("nope");
        assertEquals(Status.Code.NOT_FOUND, e.code());
        assertEquals("manifest nope not found in 127.0.0.1/lib/app", e.getMessage());
    }
}
