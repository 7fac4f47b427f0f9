package jcri.image.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real OCI registry (Debian's {@code docker-registry}, Distribution 2.8) on 127.0.0.1 with its
 * storage in a temp dir, plus a client that pushes test images to it over the Distribution API.
 */
public final class RegistryFixture implements AutoCloseable {
    private final Path dir;
    private final int port;
    private final Process process;
    private final String authorization;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private RegistryFixture(Path dir, int port, Process process, String authorization) {
        this.dir = dir;
        this.port = port;
        this.process = process;
        this.authorization = authorization;
    }

    /** Starts an open registry keeping its config, log and storage in {@code dir}, which {@link #close} deletes. */
    public static RegistryFixture start(Path dir) throws IOException, InterruptedException {
        return launch(dir, "", "");
    }

    /** A registry that asks for Basic auth (htpasswd with bcrypt, made by Debian's apache2-utils). */
    public static RegistryFixture startWithBasicAuth(Path dir, String user, String password) throws IOException, InterruptedException {
        return launch(dir, user, password);
    }

    private static RegistryFixture launch(Path dir, String user, String password) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        int port = FreePorts.pick();
        var auth = "";
        var authorization = "";
        if (!user.isEmpty()) {
            var htpasswd = new ProcessBuilder("htpasswd", "-Bbn", user, password).redirectErrorStream(true).start();
            var line = new String(htpasswd.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (htpasswd.waitFor() != 0) {
                throw new IOException("htpasswd failed: " + line);
            }
            Files.writeString(dir.resolve("htpasswd"), line + "\n");
            auth = "auth:\n  htpasswd:\n    realm: jcri-test\n    path: " + dir.resolve("htpasswd") + "\n";
            authorization = "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
        }
        var config = dir.resolve("config.yml");
        Files.writeString(config, """
                version: 0.1
                log:
                  level: error
                storage:
                  filesystem:
                    rootdirectory: %s
                  delete:
                    enabled: true
                http:
                  addr: 127.0.0.1:%d
                  headers:
                    X-Content-Type-Options: [nosniff]
                %s""".formatted(dir.resolve("storage"), port, auth));
        var log = dir.resolve("registry.log");
        var process = new ProcessBuilder("/usr/bin/docker-registry", "serve", config.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        var fixture = new RegistryFixture(dir, port, process, authorization);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            try {
                var code = fixture.http.send(HttpRequest.newBuilder(fixture.uri("/v2/")).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
                if (code == 200 || code == 401) {
                    return fixture;
                }
            } catch (IOException notYet) {
                // still starting
            }
            if (!process.isAlive() || System.nanoTime() > deadline) {
                var output = Files.readString(log);
                fixture.close();
                throw new IOException("registry did not answer GET /v2/ within 10 s: " + output);
            }
            Thread.sleep(50);
        }
    }

    /** {@code 127.0.0.1:PORT}. */
    public String host() {
        return "127.0.0.1:" + port;
    }

    /** Pushes blobs and manifest under {@code repository:tag}; returns the manifest digest. */
    public String push(String repository, String tag, ImageBuilder.BuiltImage image) throws IOException, InterruptedException {
        var blobs = new ArrayList<Blob>();
        blobs.add(image.config());
        image.layers().forEach(l -> blobs.add(l.blob()));
        pushRawManifest(repository, tag, image.manifest(), blobs);
        return image.manifest().digest();
    }

    /** Pushes each image's content and manifest by digest, then the index under {@code tag}. */
    public String pushIndex(String repository, String tag, Blob index, List<ImageBuilder.BuiltImage> images)
            throws IOException, InterruptedException {
        for (var image : images) {
            push(repository, image.manifest().digest(), image);
        }
        pushRawManifest(repository, tag, index, List.of());
        return index.digest();
    }

    /** Uploads {@code blobs} (skipping those present) and puts {@code manifest} as {@code reference}. */
    public void pushRawManifest(String repository, String reference, Blob manifest, List<Blob> blobs) throws IOException, InterruptedException {
        for (var blob : blobs) {
            uploadBlob(repository, blob);
        }
        var put = request("/v2/" + repository + "/manifests/" + reference)
                .header("Content-Type", manifest.mediaType())
                .PUT(HttpRequest.BodyPublishers.ofFile(manifest.file())).build();
        expect(http.send(put, HttpResponse.BodyHandlers.ofString()), 201, "put manifest " + repository + ":" + reference);
    }

    /** Uploads a blob unless the registry has it (the registry itself checks bytes against the digest). */
    private void uploadBlob(String repository, Blob blob) throws IOException, InterruptedException {
        var head = http.send(request("/v2/" + repository + "/blobs/" + blob.digest()).method("HEAD", HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.discarding());
        if (head.statusCode() == 200) {
            return;
        }
        var start = http.send(request("/v2/" + repository + "/blobs/uploads/").POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
        expect(start, 202, "start upload");
        var location = start.headers().firstValue("Location").orElseThrow();
        var target = URI.create(location.startsWith("http") ? location : "http://" + host() + location);
        var put = request(target + (target.getQuery() == null ? "?" : "&") + "digest=" + blob.digest())
                .header("Content-Type", "application/octet-stream")
                .PUT(HttpRequest.BodyPublishers.ofFile(blob.file())).build();
        expect(http.send(put, HttpResponse.BodyHandlers.ofString()), 201, "upload blob " + blob.digest());
    }

    /**
     * Replaces a stored blob's bytes behind the registry's back (its filesystem storage), so the
     * registry serves content that does not match the digest.
     */
    public void corruptBlob(String digest) throws IOException {
        var hex = digest.substring("sha256:".length());
        var data = dir.resolve("storage/docker/registry/v2/blobs/sha256/" + hex.substring(0, 2) + "/" + hex + "/data");
        var bytes = Files.readAllBytes(data);
        bytes[bytes.length / 2] ^= 0x55;
        Files.write(data, bytes);
    }

    private HttpRequest.Builder request(String pathOrUri) {
        var builder = HttpRequest.newBuilder(pathOrUri.startsWith("http") ? URI.create(pathOrUri) : uri(pathOrUri))
                .timeout(Duration.ofMinutes(2));
        if (!authorization.isEmpty()) {
            builder.header("Authorization", authorization);
        }
        return builder;
    }

    private URI uri(String path) {
        return URI.create("http://" + host() + path);
    }

    private static void expect(HttpResponse<?> response, int code, String what) throws IOException {
        if (response.statusCode() != code) {
            throw new IOException(what + ": HTTP " + response.statusCode() + " " + response.body());
        }
    }

    /** Stops the registry (SIGTERM, SIGKILL after 5 s) and deletes its directory. */
    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        try (var paths = Files.walk(dir)) {
            for (var path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete registry storage " + dir, e);
        }
    }
}
