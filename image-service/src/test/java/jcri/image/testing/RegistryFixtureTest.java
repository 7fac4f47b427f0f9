package jcri.image.testing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import jcri.image.content.Digests;
import jcri.image.oci.MediaTypes;
import jcri.image.oci.MediaTypes.Compression;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Pushes built images to the real registry and reads them back with the real {@code skopeo}. */
class RegistryFixtureTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static RegistryFixture registry;

    @TempDir
    Path tmp;

    @BeforeAll
    static void start() throws Exception {
        registry = RegistryFixture.start(Files.createTempDirectory("jcri-registry-"));
    }

    @AfterAll
    static void stop() {
        registry.close();
    }

    @Test
    void busyboxIsAValidOciImage() throws Exception {
        var image = TestImages.busybox();
        var digest = registry.push("test/busybox", "1", image);

        assertEquals(image.manifest().digest(), digest);
        var raw = skopeo("inspect", "--raw", "--tls-verify=false", "docker://" + registry.host() + "/test/busybox:1");
        assertArrayEquals(image.manifest().bytes(), raw);
        assertEquals(digest, Digests.of(raw));
        var inspect = inspect(registry.host() + "/test/busybox:1");
        assertEquals(digest, inspect.get("Digest").asText());
        assertEquals("amd64", inspect.get("Architecture").asText());
        assertEquals(image.layers().getFirst().blob().digest(), inspect.get("Layers").get(0).asText());
        copy("test/busybox:1");
    }

    @Test
    void dockerSchema2ImageIsValid() throws Exception {
        var image = ImageBuilder.docker().layer(TestImages.busyboxLayer(), Compression.GZIP)
                .user("www").env("A=1").entrypoint("/bin/sh", "-c").cmd("echo hi").workingDir("/var/www")
                .label("k", "v").build();
        var digest = registry.push("test/docker", "v2", image);

        var manifest = JSON.readTree(skopeo("inspect", "--raw", "--tls-verify=false", "docker://" + registry.host() + "/test/docker:v2"));
        assertEquals(MediaTypes.DOCKER_MANIFEST, manifest.get("mediaType").asText());
        assertEquals(MediaTypes.DOCKER_CONFIG, manifest.get("config").get("mediaType").asText());
        assertEquals("application/vnd.docker.image.rootfs.diff.tar.gzip", manifest.get("layers").get(0).get("mediaType").asText());
        var inspect = inspect(registry.host() + "/test/docker:v2");
        assertEquals(digest, inspect.get("Digest").asText());
        assertEquals("v", inspect.get("Labels").get("k").asText());
        var config = JSON.readTree(skopeo("inspect", "--config", "--tls-verify=false", "docker://" + registry.host() + "/test/docker:v2"));
        assertEquals("www", config.get("config").get("User").asText());
        assertEquals("[\"/bin/sh\",\"-c\"]", config.get("config").get("Entrypoint").toString());
        assertEquals("/var/www", config.get("config").get("WorkingDir").asText());
        assertEquals(image.layers().getFirst().diffId(), config.get("rootfs").get("diff_ids").get(0).asText());
        assertEquals(1, config.get("history").size());
        copy("test/docker:v2");
    }

    @Test
    void zstdAndUncompressedLayersAreValid() throws Exception {
        var image = ImageBuilder.oci()
                .layer(new LayerBuilder().dir("data").largeFile("data/random", 3 << 20, 42), Compression.ZSTD)
                .layer(new LayerBuilder().file("plain", "not compressed"), Compression.NONE).build();
        var digest = registry.push("test/zstd", "latest", image);

        var manifest = JSON.readTree(skopeo("inspect", "--raw", "--tls-verify=false", "docker://" + registry.host() + "/test/zstd:latest"));
        assertEquals("application/vnd.oci.image.layer.v1.tar+zstd", manifest.get("layers").get(0).get("mediaType").asText());
        assertEquals("application/vnd.oci.image.layer.v1.tar", manifest.get("layers").get(1).get("mediaType").asText());
        assertEquals(digest, inspect(registry.host() + "/test/zstd:latest").get("Digest").asText());
        copy("test/zstd:latest");
    }

    @Test
    void indexOfTwoPlatforms() throws Exception {
        var amd64 = TestImages.busyboxBuilder().label("arch", "amd64").build();
        var arm64 = TestImages.busyboxBuilder().platform("linux", "arm64", "v8").label("arch", "arm64").build();
        var index = ImageBuilder.index(false, List.of(amd64, arm64));
        var digest = registry.pushIndex("test/multi", "latest", index, List.of(amd64, arm64));

        assertEquals(index.digest(), digest);
        var reference = "docker://" + registry.host() + "/test/multi:latest";
        var raw = skopeo("inspect", "--raw", "--tls-verify=false", reference);
        assertEquals(digest, Digests.of(raw));
        var manifests = JSON.readTree(raw).get("manifests");
        assertEquals(MediaTypes.OCI_INDEX, JSON.readTree(raw).get("mediaType").asText());
        assertEquals(arm64.manifest().digest(), manifests.get(1).get("digest").asText());
        assertEquals("v8", manifests.get(1).get("platform").get("variant").asText());
        var arm = JSON.readTree(skopeo("--override-arch", "arm64", "--override-variant", "v8", "inspect", "--tls-verify=false", reference));
        assertEquals("arm64", arm.get("Architecture").asText());
        assertEquals("arm64", arm.get("Labels").get("arch").asText());
        var amd = JSON.readTree(skopeo("--override-arch", "amd64", "inspect", "--tls-verify=false", reference));
        assertEquals("amd64", amd.get("Labels").get("arch").asText());
        copy("test/multi:latest");
    }

    @Test
    void dockerManifestList() throws Exception {
        var amd64 = ImageBuilder.docker().layer(new LayerBuilder().file("f", "amd64"), Compression.GZIP).build();
        var arm64 = ImageBuilder.docker().layer(new LayerBuilder().file("f", "arm64"), Compression.GZIP)
                .platform("linux", "arm64", "v8").build();
        var list = ImageBuilder.index(true, List.of(amd64, arm64));
        registry.pushIndex("test/list", "1", list, List.of(amd64, arm64));

        var raw = skopeo("inspect", "--raw", "--tls-verify=false", "docker://" + registry.host() + "/test/list:1");
        assertEquals(MediaTypes.DOCKER_LIST, JSON.readTree(raw).get("mediaType").asText());
        assertEquals(list.digest(), Digests.of(raw));
    }

    @Test
    void registryRejectsAManifestWhoseBlobsAreMissing() throws Exception {
        var image = ImageBuilder.oci().layer(new LayerBuilder().file("f", "missing layer"), Compression.GZIP).build();
        var failure = assertThrows(IOException.class,
                () -> registry.pushRawManifest("test/broken", "1", image.manifest(), List.of(image.config())));
        assertTrue(failure.getMessage().contains("HTTP 400"), failure.getMessage());
    }

    @Test
    void basicAuth() throws Exception {
        try (var secured = RegistryFixture.startWithBasicAuth(tmp.resolve("secured"), "alice", "wonderland")) {
            var digest = secured.push("private/app", "v1", TestImages.busybox());

            try (var http = HttpClient.newHttpClient()) {
                var response = http.send(HttpRequest.newBuilder(URI.create("http://" + secured.host() + "/v2/")).build(),
                        HttpResponse.BodyHandlers.discarding());
                assertEquals(401, response.statusCode());
                assertTrue(response.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Basic"));
                assertEquals("nosniff", response.headers().firstValue("X-Content-Type-Options").orElse(""));
            }
            var reference = "docker://" + secured.host() + "/private/app:v1";
            var inspect = JSON.readTree(skopeo("inspect", "--tls-verify=false", "--creds", "alice:wonderland", reference));
            assertEquals(digest, inspect.get("Digest").asText());
            assertNotEquals(0, run("inspect", "--tls-verify=false", "--no-creds", reference).exitCode());
            assertNotEquals(0, run("inspect", "--tls-verify=false", "--creds", "alice:wrong", reference).exitCode());
        }
        assertTrue(Files.notExists(tmp.resolve("secured")), "close deletes the registry's storage");
    }

    private static JsonNode inspect(String reference) throws Exception {
        return JSON.readTree(skopeo("inspect", "--tls-verify=false", "docker://" + reference));
    }

    /** Copies the image into an OCI layout, which checks every digest and size. */
    private void copy(String reference) throws Exception {
        var layout = tmp.resolve("layout-" + reference.replaceAll("[^a-z0-9]", "-"));
        skopeo("copy", "--src-tls-verify=false", "docker://" + registry.host() + "/" + reference, "oci:" + layout + ":t");
        assertTrue(Files.isRegularFile(layout.resolve("index.json")));
    }

    private record Result(int exitCode, byte[] stdout, String stderr) {
    }

    private static byte[] skopeo(String... args) throws Exception {
        var result = run(args);
        assertEquals(0, result.exitCode(), () -> "skopeo " + String.join(" ", args) + ": " + result.stderr());
        return result.stdout();
    }

    private static Result run(String... args) throws Exception {
        var command = new ArrayList<>(List.of("skopeo", "--insecure-policy"));
        command.addAll(List.of(args));
        var stderr = Files.createTempFile("skopeo-", ".err");
        try {
            var process = new ProcessBuilder(command).redirectError(stderr.toFile()).start();
            process.getOutputStream().close();
            var out = process.getInputStream().readAllBytes();
            if (!process.waitFor(2, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                throw new IOException("skopeo timed out: " + command);
            }
            return new Result(process.exitValue(), out, Files.readString(stderr, StandardCharsets.UTF_8));
        } finally {
            Files.delete(stderr);
        }
    }
}
