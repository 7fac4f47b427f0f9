package jcri.image.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HostsFileTest {
    @TempDir
    Path dir;

    private HostsFile read(String toml) throws Exception {
        var file = dir.resolve("hosts.toml");
        Files.writeString(file, toml);
        return HostsFile.read(file, URI.create("https://registry-1.docker.io"));
    }

    private String in(String name) {
        return dir.resolve(name).toString();
    }

    @Test
    void containerdsDocumentedMirrorExample() throws Exception {
        var file = read("""
                server = "https://registry-1.docker.io"

                [host."https://public-mirror.example.com"]
                  capabilities = ["pull"]

                [host."https://docker-mirror.internal"]
                  capabilities = ["pull", "resolve"]
                  ca = "docker-mirror.crt"
                  client = [["/etc/certs/client.cert", "/etc/certs/client.key"]]
                """);
        assertEquals(URI.create("https://registry-1.docker.io"), file.server().base());
        assertEquals(2, file.hosts().size());
        var pub = file.hosts().get(0);
        assertEquals(URI.create("https://public-mirror.example.com"), pub.base());
        assertTrue(pub.pull());
        assertFalse(pub.resolve());
        var internal = file.hosts().get(1);
        assertTrue(internal.pull() && internal.resolve());
        assertEquals(new TlsSettings(false, List.of(in("docker-mirror.crt")),
                List.of(new TlsSettings.ClientCertificate("/etc/certs/client.cert", "/etc/certs/client.key"))), internal.tls());
    }

    @Test
    void withoutServerTheDefaultIsUsedWithEveryCapability() throws Exception {
        var file = read("");
        assertEquals(URI.create("https://registry-1.docker.io"), file.server().base());
        assertTrue(file.server().pull() && file.server().resolve());
        assertEquals(TlsSettings.DEFAULT, file.server().tls());
        assertEquals(List.of(), file.hosts());
    }

    @Test
    void topLevelSettingsBelongToTheServer() throws Exception {
        var file = read("""
                server = "http://reg.lan:5000/v2"
                skip_verify = true
                ca = ["a.pem", "/abs/b.pem"]
                client = "certs/me.cert"
                """);
        assertEquals(URI.create("http://reg.lan:5000"), file.server().base());
        assertEquals(new TlsSettings(true, List.of(in("a.pem"), "/abs/b.pem"),
                List.of(new TlsSettings.ClientCertificate(in("certs/me.cert"), in("certs/me.key")))), file.server().tls());
    }

    @Test
    void clientMayBeOnePair() throws Exception {
        var file = read("[host.\"mirror.lan\"]\nclient = [\"c.crt\", \"c.key\"]\n");
        assertEquals(URI.create("https://mirror.lan"), file.hosts().getFirst().base(), "a host without scheme is https");
        assertEquals(List.of(new TlsSettings.ClientCertificate(in("c.crt"), in("c.key"))), file.hosts().getFirst().tls().clients());
    }

    @Test
    void mirrorsKeepTheirFileOrder() throws Exception {
        var file = read("[host.\"https://z.lan\"]\n[host.\"https://a.lan\"]\n[host.\"http://m.lan:81\"]\n");
        assertEquals(List.of("https://z.lan", "https://a.lan", "http://m.lan:81"), file.hosts().stream().map(h -> h.base().toString()).toList());
    }

    @Test
    void badFilesAreNamedWithWhatIsWrong() {
        var file = dir.resolve("hosts.toml");
        assertEquals(file + ": https://m.lan has the unknown capability 'fetch'; allowed: pull, resolve, push",
                assertThrows(IllegalArgumentException.class, () -> read("[host.\"https://m.lan\"]\ncapabilities = [\"fetch\"]\n")).getMessage());
        assertEquals(file + ": 'ftp://m.lan' is not an http:// or https:// URL",
                assertThrows(IllegalArgumentException.class, () -> read("server = \"ftp://m.lan\"\n")).getMessage());
        assertEquals(file + ": 'https://m.lan/cache' has a path; only host URLs (with or without /v2) are supported",
                assertThrows(IllegalArgumentException.class, () -> read("[host.\"https://m.lan/cache\"]\n")).getMessage());
        assertEquals(file + ": https://m.lan has a 'client' entry that is not a [cert, key] pair",
                assertThrows(IllegalArgumentException.class, () -> read("[host.\"https://m.lan\"]\nclient = [[\"only\"]]\n")).getMessage());
        assertEquals(file + ": https://registry-1.docker.io has a 'ca' that is neither a string nor a list",
                assertThrows(IllegalArgumentException.class, () -> read("ca = 3\n")).getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> read("server = \n")).getMessage().startsWith(file + " is not valid TOML"));
    }
}
