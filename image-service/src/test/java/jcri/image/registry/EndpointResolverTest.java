package jcri.image.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import jcri.image.RegistryHost;
import org.junit.jupiter.api.Test;

class EndpointResolverTest {
    private static List<String> describe(List<Endpoint> endpoints) {
        return endpoints.stream().map(e -> e.base() + (e.mirror() ? " mirror" : "") + (e.probe() ? " probe" : "")).toList();
    }

    @Test
    void mirrorsComeFirstThenTheHostOverHttps() {
        var resolver = new EndpointResolver(Map.of("quay.io",
                new RegistryHost(List.of("mirror.local:5000", "http://cache.local/some/path"), null, null, null)));
        assertEquals(List.of("https://mirror.local:5000 mirror", "http://cache.local mirror", "https://quay.io"),
                describe(resolver.endpoints("quay.io")));
    }

    @Test
    void dockerHubIsReachedAtItsRegistryHost() {
        assertEquals(List.of("https://registry-1.docker.io"), describe(new EndpointResolver(Map.of()).endpoints("docker.io")));
    }

    @Test
    void plainHttpIsOnlyForHostsConfiguredSo() {
        var resolver = new EndpointResolver(Map.of("reg.lan:5000", new RegistryHost(null, true, null, null)));
        assertEquals(List.of("http://reg.lan:5000"), describe(resolver.endpoints("reg.lan:5000")));
        assertEquals(List.of("https://other.lan:5000"), describe(resolver.endpoints("other.lan:5000")));
    }

    @Test
    void anUnconfiguredLoopbackRegistryIsProbedOverHttpsUntilThatFails() {
        var resolver = new EndpointResolver(Map.of());
        assertEquals(List.of("https://localhost:5000 probe", "http://localhost:5000"), describe(resolver.endpoints("localhost:5000")));
        resolver.probeFailed("localhost:5000");
        assertEquals(List.of("http://localhost:5000"), describe(resolver.endpoints("localhost:5000")));
        assertEquals(List.of("https://127.0.0.1:5000 probe", "http://127.0.0.1:5000"), describe(resolver.endpoints("127.0.0.1:5000")),
                "each host has its own probe");
    }

    @Test
    void loopbackIsDecidedWithoutResolvingNames() {
        assertTrue(EndpointResolver.isLoopback("localhost"));
        assertTrue(EndpointResolver.isLoopback("127.0.0.2:5000"));
        assertTrue(EndpointResolver.isLoopback("[::1]:5000"));
        assertFalse(EndpointResolver.isLoopback("10.0.0.1:5000"));
        assertFalse(EndpointResolver.isLoopback("localhost.example.com"));
        assertFalse(EndpointResolver.isLoopback("my-registry:5000"), "a name is not looked up");
    }

    @Test
    void hostsWithTheSameSettingsShareOneHttpClient() {
        var resolver = new EndpointResolver(Map.of("a.io", new RegistryHost(null, null, true, null)));
        var insecure = resolver.endpoints("a.io").getFirst().client();
        assertSame(resolver.endpoints("b.io").getFirst().client(), resolver.endpoints("c.io").getFirst().client());
        assertNotSame(insecure, resolver.endpoints("b.io").getFirst().client(), "insecure_skip_verify gets its own TLS context");
    }

    @Test
    void newSettingsApplyToTheNextResolutionAndForgetWhatTheOldTaught() {
        var resolver = new EndpointResolver(Map.of("a.io", new RegistryHost(null, null, true, null)));
        var before = resolver.endpoints("b.io").getFirst().client();
        resolver.probeFailed("localhost:5000");
        resolver.configure(Map.of("a.io", new RegistryHost(List.of("mirror.local"), null, null, null)));
        assertEquals(List.of("https://mirror.local mirror", "https://a.io"), describe(resolver.endpoints("a.io")));
        assertEquals(List.of("https://localhost:5000 probe", "http://localhost:5000"), describe(resolver.endpoints("localhost:5000")));
        assertNotSame(before, resolver.endpoints("b.io").getFirst().client(), "a new client reads CA files again");
    }
}
