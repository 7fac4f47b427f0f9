package jcri.image.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A mirror that may only pull serves content by digest; tags are resolved by an endpoint that may resolve. */
class EndpointCapabilitiesTest {
    private final LocalServer mirror = new LocalServer().on("/v2/", ex -> LocalServer.reply(ex, 200, "text/plain", "mirror".getBytes(StandardCharsets.UTF_8)));
    private final LocalServer registry = new LocalServer().on("/v2/", ex -> LocalServer.reply(ex, 200, "text/plain", "registry".getBytes(StandardCharsets.UTF_8)));
    private final HttpClient client = HttpClient.newHttpClient();

    @AfterEach
    void stop() {
        mirror.close();
        registry.close();
        client.close();
    }

    private String get(RegistrySession session, String path) throws Exception {
        try (var body = session.get(path, "", path).body()) {
            return new String(body.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void tagsGoToResolversAndDigestsToPullers() throws Exception {
        var session = new RegistrySession(List.of(new Endpoint(mirror.base(), client, true, false, true, false),
                new Endpoint(registry.base(), client, false, false, true, true)), "r.lan", "lib/app", Credentials.ANONYMOUS, new TokenCache(), d -> { });
        var digest = "sha256:" + "a".repeat(64);
        assertEquals("registry", get(session, "manifests/v1"));
        assertEquals("mirror", get(session, "manifests/" + digest), "the registry answering a tag does not take the digests from the mirror");
        assertEquals("mirror", get(session, "blobs/" + digest));
        assertEquals(0, mirror.requests.stream().filter(r -> r.line().endsWith("/manifests/v1")).count());
    }

    @Test
    void aResolveOnlyMirrorIsNotAskedForContent() throws Exception {
        var session = new RegistrySession(List.of(new Endpoint(mirror.base(), client, true, false, false, true),
                new Endpoint(registry.base(), client, false, false, true, true)), "r.lan", "lib/app", Credentials.ANONYMOUS, new TokenCache(), d -> { });
        assertEquals("mirror", get(session, "manifests/v1"));
        assertEquals("registry", get(session, "blobs/sha256:" + "b".repeat(64)));
    }
}
