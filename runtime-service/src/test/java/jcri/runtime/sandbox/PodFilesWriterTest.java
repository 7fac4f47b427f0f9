package jcri.runtime.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import jcri.api.v1.DNSConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The pod's shared files, written without a /dev/shm mount (shm false needs no root). */
class PodFilesWriterTest {
    @TempDir
    Path tmp;
    private final PodFilesWriter writer = new PodFilesWriter();

    @Test
    void writesHostnameHostsAndTheDnsConfigTheKubeletGave() throws Exception {
        var dns = DNSConfig.newBuilder().addServers("10.96.0.10").addServers("10.96.0.11")
                .addSearches("default.svc.cluster.local").addSearches("svc.cluster.local").addOptions("ndots:5").build();

        var files = writer.write(tmp.resolve("pod"), "web-0", dns, "", false);

        assertEquals("web-0\n", Files.readString(files.hostname()));
        assertEquals("""
                search default.svc.cluster.local svc.cluster.local
                nameserver 10.96.0.10
                nameserver 10.96.0.11
                options ndots:5
                """, Files.readString(files.resolvConf()));
        assertNull(files.shm(), "a pod on the host's IPC namespace uses the host's /dev/shm");
        assertTrue(Files.readString(files.hosts()).startsWith("127.0.0.1\tlocalhost\n"));
        assertTrue(!Files.readString(files.hosts()).contains("web-0"), "no pod IP yet: no line for the hostname");
    }

    @Test
    void theHostsFileNamesThePodIpOnceKnown() throws Exception {
        var files = writer.write(tmp.resolve("pod"), "web-0", DNSConfig.getDefaultInstance(), "", false);
        writer.updateHosts(files, "web-0", "10.88.0.4");
        var lines = Files.readAllLines(files.hosts());
        assertEquals("10.88.0.4\tweb-0", lines.getLast());
        assertEquals(1, lines.stream().filter(l -> l.contains("web-0")).count());
    }

    @Test
    void withoutDnsConfigThePodGetsTheNodesResolvConf() throws Exception {
        var node = Path.of("/etc/resolv.conf");
        var expected = Files.exists(node) ? Files.readString(node) : "";
        assertEquals(expected, PodFilesWriter.resolvConf(DNSConfig.getDefaultInstance()));
        assertEquals("options ndots:2\n", PodFilesWriter.resolvConf(DNSConfig.newBuilder().addOptions("ndots:2").build()),
                "any DNS setting replaces the node's file");
    }

    @Test
    void existingNamesTheFilesOfAPodFoundAfterARestart() {
        var files = writer.existing(tmp, true);
        assertEquals(tmp.resolve("hosts"), files.hosts());
        assertEquals(tmp.resolve("shm"), files.shm());
        assertNull(writer.existing(tmp, false).shm());
    }
}
