package jcri.image.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpClient;
import java.util.List;
import java.util.Map;
import jcri.image.RegistryHost;
import org.junit.jupiter.api.Test;

class EndpointResolverTest {
    private static final HostsDirectory NO_HOSTS_FILES = new HostsDirectory("");

    private static List<String> describe(List<Endpoint> endpoints) {
        return endpoints.stream().map(e -> e.base() + (e.mirror() ? " mirror" : "") + (e.probe() ? " probe" : "")).toList();
    }

    @Test
    void mirrorsComeFirstThenTheHostOverHttps() {
        var resolver = new EndpointResolver(Map.of("quay.io",
                new RegistryHost(List.of("mirror.local:5000", "http://cache.local/some/path"), null, null, null)), HttpClient.Builder.NO_PROXY, NO_HOSTS_FILES);
        assertEquals(List.of("https://mirror.local:5000 mirror", "http://cache.local mirror", "https://quay.io"),
                describe(resolver.endpoints("quay.io")));
    }

    @Test
    void dockerHubIsReachedAtItsRegistryHost() {
        assertEquals(List.of("https://registry-1.docker.io"), describe(new EndpointResolver(Map.of(), HttpClient.Builder.NO_PROXY, NO_HOSTS_FILES).endpoints("docker.io")));
    }

    @Test
    void plainHttpIsOnlyForHostsConfiguredSo() {
        var resolver = new EndpointResolver(Map.of("reg.lan:5000", new RegistryHost(null, true, null, null)), HttpClient.Builder.NO_PROXY, NO_HOSTS_FILES);
        assertEquals(List.of("http://reg.lan:5000"), describe(resolver.endpoints("reg.lan:5000")));
        assertEquals(List.of("https://other.lan:5000"), describe(resolver.endpoints("other.lan:5000")));
    }

    @Test
    void anUnconfiguredLoopbackRegistryIsProbedOverHttpsUntilThatFails() {
        var resolver = new EndpointResolver(Map.of(), HttpClient.Builder.NO_PROXY, NO_HOSTS_FILES);
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
        var resolver = new EndpointResolver(Map.of("a.io", new RegistryHost(null, null, true, null)), HttpClient.Builder.NO_PROXY, NO_HOSTS_FILES);
        var insecure = resolver.endpoints("a.io").getFirst().client();
        assertSame(resolver.endpoints("b.io").getFirst().client(), resolver.endpoints("c.io").getFirst().client());
        assertNotSame(insecure, resolver.endpoints("b.io").getFirst().client(), "insecure_skip_verify gets its own TLS context");
    }

    @Test
    void newSettingsApplyToTheNextResolutionAndForgetWhatTheOldTaught() {
        var resolver = new EndpointResolver(Map.of("a.io", new RegistryHost(null, null, true, null)), HttpClient.Builder.NO_PROXY, NO_HOSTS_FILES);
        var before = resolver.endpoints("b.io").getFirst().client();
        resolver.probeFailed("localhost:5000");
        resolver.configure(Map.of("a.io", new RegistryHost(List.of("mirror.local"), null, null, null)));
        assertEquals(List.of("https://mirror.local mirror", "https://a.io"), describe(resolver.endpoints("a.io")));
        assertEquals(List.of("https://localhost:5000 probe", "http://localhost:5000"), describe(resolver.endpoints("localhost:5000")));
        assertNotSame(before, resolver.endpoints("b.io").getFirst().client(), "a new client reads CA files again");
    }

    @Test
    void aHostsFileWinsOverTheTableAndIsReadAtEachCall(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        var resolver = new EndpointResolver(Map.of("quay.io", new RegistryHost(List.of("table-mirror.lan"), null, null, null)),
                HttpClient.Builder.NO_PROXY, new HostsDirectory(dir.toString()));
        assertEquals(List.of("https://table-mirror.lan mirror", "https://quay.io"), describe(resolver.endpoints("quay.io")));
        java.nio.file.Files.createDirectories(dir.resolve("quay.io"));
        java.nio.file.Files.writeString(dir.resolve("quay.io/hosts.toml"), "[host.\"http://m.lan:81\"]\ncapabilities = [\"pull\"]\n");
        var endpoints = resolver.endpoints("quay.io");
        assertEquals(List.of("http://m.lan:81 mirror", "https://quay.io"), describe(endpoints));
        assertTrue(endpoints.get(0).pulls());
        assertFalse(endpoints.get(0).resolves());
        assertTrue(endpoints.get(1).pulls() && endpoints.get(1).resolves());
        java.nio.file.Files.createDirectories(dir.resolve("_default"));
        java.nio.file.Files.writeString(dir.resolve("_default/hosts.toml"), "skip_verify = true\n");
        assertEquals(List.of("https://registry-1.docker.io"), describe(resolver.endpoints("docker.io")), "Docker Hub's server by default");
    }

    @Test
    void aReplacedCaFileGetsANewClient(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        var certs = jcri.image.testing.TestCertificates.create(dir.resolve("pki"));
        var ca = dir.resolve("quay.io/ca.pem");
        java.nio.file.Files.createDirectories(ca.getParent());
        java.nio.file.Files.copy(certs.ca(), ca);
        java.nio.file.Files.writeString(dir.resolve("quay.io/hosts.toml"), "ca = \"ca.pem\"\n");
        var resolver = new EndpointResolver(Map.of(), HttpClient.Builder.NO_PROXY, new HostsDirectory(dir.toString()));
        var first = resolver.endpoints("quay.io").getFirst().client();
        assertSame(first, resolver.endpoints("quay.io").getFirst().client(), "unchanged files: the same client");
        java.nio.file.Files.setLastModifiedTime(ca, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() + 60_000));
        assertNotSame(first, resolver.endpoints("quay.io").getFirst().client(), "a replaced CA file is read again");
    }
}
