package jcri.image.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import jcri.image.RegistryHost;
import jcri.image.testing.ForwardProxy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Registry requests through {@link ForwardProxy} on 127.0.0.1, chosen by {@link EnvironmentProxySelector}. The
 * registry is known by a name only the proxy can resolve, so an answer proves the request went through it.
 */
class ProxiedSessionTest {
    private static final String NAME = "registry.proxied.test";
    /** A name the proxy sends to a loopback port nothing listens on. */
    private static final String DEAD = "dead.proxied.test";
    private final LocalServer registry = new LocalServer().on("/v2/lib/app/manifests/", ex ->
            LocalServer.reply(ex, 200, "application/vnd.oci.image.manifest.v1+json", "{}".getBytes(StandardCharsets.UTF_8)));
    private final ForwardProxy proxy;

    ProxiedSessionTest() throws IOException {
        proxy = new ForwardProxy(Map.of(NAME, registry.base().getPort(), DEAD, 1));
    }

    @AfterEach
    void stop() throws IOException {
        proxy.close();
        registry.close();
    }

    private String get(String domain, RegistryHost host, Map<String, String> environment) throws Exception {
        var resolver = new EndpointResolver(Map.of(domain, host), EnvironmentProxySelector.from(environment), new HostsDirectory(""));
        var session = new RegistrySession(resolver.endpoints(domain), domain, "lib/app", Credentials.ANONYMOUS, new TokenCache(), d -> { });
        try (var body = session.get("manifests/v1", "", "manifest").body()) {
            return new String(body.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void plainHttpGoesThroughHttpProxy() throws Exception {
        var domain = NAME + ":" + registry.base().getPort();
        assertEquals("{}", get(domain, new RegistryHost(null, true, null, null), Map.of("HTTP_PROXY", proxy.url())));
        assertEquals(List.of("GET http://" + domain + "/v2/lib/app/manifests/v1"), proxy.requests());
        assertEquals("GET /v2/lib/app/manifests/v1", registry.requests.getFirst().line());
    }

    @Test
    void httpsOpensATunnelThroughHttpsProxy() {
        var domain = DEAD + ":443";
        // nothing answers at the end of the tunnel, so the request fails: what matters is that the tunnel was asked for
        assertThrows(Exception.class, () -> get(domain, new RegistryHost(null, false, null, null),
                Map.of("HTTPS_PROXY", proxy.url(), "HTTP_PROXY", "http://127.0.0.1:1")));
        assertTrue(proxy.requests().contains("CONNECT " + domain), proxy.requests().toString());
    }

    @Test
    void loopbackRegistriesAreReachedDirectly() throws Exception {
        var domain = "127.0.0.1:" + registry.base().getPort();
        assertEquals("{}", get(domain, new RegistryHost(null, true, null, null), Map.of("HTTP_PROXY", proxy.url())));
        assertEquals(List.of(), proxy.requests());
    }
}
