package jcri.image.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import jcri.api.CriException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HostsDirectoryTest {
    private static final URI DEFAULT = URI.create("https://quay.io");
    @TempDir
    Path dir;

    private void write(String host, String toml) throws Exception {
        Files.createDirectories(dir.resolve(host));
        Files.writeString(dir.resolve(host).resolve("hosts.toml"), toml);
    }

    @Test
    void noDirectoryOrNoFileFindsNothing() throws Exception {
        assertEquals(Optional.empty(), new HostsDirectory("").find("quay.io", DEFAULT));
        assertEquals(Optional.empty(), new HostsDirectory(dir.resolve("absent").toString()).find("quay.io", DEFAULT));
        Files.createDirectories(dir.resolve("quay.io"));
        assertEquals(Optional.empty(), new HostsDirectory(dir.toString()).find("quay.io", DEFAULT), "a directory without hosts.toml");
    }

    @Test
    void theHostsOwnFileWinsOverDefaultWhichServesTheOthers() throws Exception {
        write("reg.lan:5000", "server = \"http://reg.lan:5000\"\n");
        write("_default", "[host.\"https://cache.lan\"]\n");
        var hosts = new HostsDirectory(dir.toString());
        assertEquals(URI.create("http://reg.lan:5000"), hosts.find("reg.lan:5000", DEFAULT).orElseThrow().server().base());
        var other = hosts.find("quay.io", DEFAULT).orElseThrow();
        assertEquals(DEFAULT, other.server().base(), "_default keeps the registry as server");
        assertEquals(URI.create("https://cache.lan"), other.hosts().getFirst().base());
    }

    @Test
    void filesAreReadAtEachLookup() throws Exception {
        var hosts = new HostsDirectory(dir.toString());
        assertEquals(Optional.empty(), hosts.find("quay.io", DEFAULT));
        write("quay.io", "[host.\"https://m1.lan\"]\n");
        assertEquals(URI.create("https://m1.lan"), hosts.find("quay.io", DEFAULT).orElseThrow().hosts().getFirst().base());
        write("quay.io", "[host.\"https://m2.lan\"]\n");
        assertEquals(URI.create("https://m2.lan"), hosts.find("quay.io", DEFAULT).orElseThrow().hosts().getFirst().base());
    }

    @Test
    void aBadFileIsAFailedPrecondition() throws Exception {
        write("quay.io", "capabilities = 7\n");
        var e = assertThrows(CriException.class, () -> new HostsDirectory(dir.toString()).find("quay.io", DEFAULT));
        assertEquals(Status.Code.FAILED_PRECONDITION, e.code());
        assertTrue(e.getMessage().startsWith(dir.resolve("quay.io/hosts.toml").toString()), e.getMessage());
    }
}
