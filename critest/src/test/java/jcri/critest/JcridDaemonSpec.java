package jcri.critest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import jcri.api.v1.RuntimeConfigRequest;
import jcri.api.v1.StatusRequest;
import jcri.api.v1.VersionRequest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.io.TempDir;

/** jcrid as a process: its socket, config, metrics and shutdown. Starts daemons of its own. */
class JcridDaemonSpec {
    @TempDir
    Path dir;

    @BeforeAll
    static void onlyForJcrid() {
        Assumptions.assumeFalse(Target.external(), "starts jcrid processes of its own; not a property of another endpoint");
    }

    @Test
    void answersOnASocketWithMode0660() throws Exception {
        try (var jcrid = JcridProcess.start(dir, ""); var cri = new CriClient(jcrid.endpoint())) {
            assertEquals("rw-rw----", PosixFilePermissions.toString(Files.getPosixFilePermissions(jcrid.socket())));
            assertEquals("jcri", cri.runtime().version(VersionRequest.getDefaultInstance()).getRuntimeName());
        }
    }

    /** CIS-hardened nodes mount /tmp noexec: netty's native transport must not be unpacked and loaded from there. */
    @Test
    void startsWithANoexecTemporaryDirectory() throws Exception {
        var tmp = Files.createDirectories(dir.resolve("noexec-tmp"));
        var mount = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "noexec,nosuid,nodev", "tmpfs", tmp.toString()).inheritIO().start();
        assertEquals(0, mount.waitFor());
        try (var jcrid = JcridProcess.startWithJvmOptions(dir, List.of("-Djava.io.tmpdir=" + tmp));
             var cri = new CriClient(jcrid.endpoint())) {
            assertEquals("jcri", cri.runtime().version(VersionRequest.getDefaultInstance()).getRuntimeName());
        } finally {
            new ProcessBuilder("umount", "-l", tmp.toString()).inheritIO().start().waitFor();
        }
    }

    @Test
    void replacesAStaleSocketLeftByACrash() throws Exception {
        var socket = dir.resolve("state/jcri.sock");
        Files.createDirectories(socket.getParent());
        try (var dead = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            dead.bind(UnixDomainSocketAddress.of(socket));
        }
        assertTrue(Files.exists(socket), "the fixture leaves a socket file nobody listens on");
        var unpublished = Files.createFile(socket.resolveSibling(".jcri.sock.2147483647")); // a daemon that died before linking
        try (var jcrid = JcridProcess.start(dir, ""); var cri = new CriClient(jcrid.endpoint())) {
            assertEquals("v1", cri.runtime().version(VersionRequest.getDefaultInstance()).getRuntimeApiVersion());
            assertTrue(jcrid.log().contains("removing stale socket"), jcrid.log());
            assertFalse(Files.exists(unpublished), "the private name of a dead daemon is removed");
            try (var names = Files.list(socket.getParent())) {
                assertEquals(List.of(), names.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(".jcri.sock.")).toList(),
                        "the live daemon's private name is gone once its socket is published");
            }
        }
    }

    @Test
    void refusesASocketAnotherLiveDaemonServes() throws Exception {
        try (var first = JcridProcess.start(dir, "")) {
            var second = JcridProcess.launch(dir, "");
            assertTrue(second.process().waitFor(30, TimeUnit.SECONDS), "second jcrid must exit");
            assertNotEquals(0, second.process().exitValue());
            assertTrue(second.log().contains("another process is serving on " + first.socket()), second.log());
            try (var cri = new CriClient(first.endpoint())) {
                assertEquals("jcri", cri.runtime().version(VersionRequest.getDefaultInstance()).getRuntimeName(),
                        "the first daemon still answers");
            }
        }
    }

    @Test
    void sigtermShutsDownAndRemovesTheSocket() throws Exception {
        var jcrid = JcridProcess.start(dir, "");
        assertEquals(143, jcrid.stop(), "the JVM exits 128+SIGTERM after its shutdown hook");
        assertFalse(Files.exists(jcrid.socket()), "socket removed on shutdown");
        assertTrue(jcrid.log().contains("shutting down"), jcrid.log());
        assertTrue(jcrid.log().contains("stopped"), jcrid.log());
    }

    @Test
    void metricsCountEachCallAsContainerdAndCriODashboardsExpect() throws Exception {
        try (var jcrid = JcridProcess.start(dir, ""); var cri = new CriClient(jcrid.endpoint())) {
            cri.runtime().version(VersionRequest.getDefaultInstance());
            cri.runtime().runtimeConfig(RuntimeConfigRequest.getDefaultInstance());
            var metrics = jcrid.metrics();
            var version = "grpc_method=\"Version\",grpc_service=\"runtime.v1.RuntimeService\",grpc_type=\"unary\"";
            assertEquals(1, metrics.value("grpc_server_handled_total{grpc_code=\"OK\"," + version + "}"), metrics.text());
            assertEquals(1, metrics.value("grpc_server_started_total{" + version + "}"), metrics.text());
            assertTrue(metrics.contains("grpc_server_handling_seconds_bucket{" + version + ",le=\"0.005\"}"), "a latency histogram");
            assertEquals(1, metrics.value("container_runtime_jcri_operations_total{operation=\"RuntimeConfig\"}"), metrics.text());
            assertTrue(metrics.contains("jvm_memory_used_bytes"), "JVM metrics");
        }
    }

    @Test
    void networkIsReadyOnlyWithACniConfigAndVerboseStatusShowsConfig() throws Exception {
        try (var jcrid = JcridProcess.start(dir, ""); var cri = new CriClient(jcrid.endpoint())) {
            var before = cri.runtime().status(StatusRequest.newBuilder().setVerbose(true).build());
            var network = before.getStatus().getConditionsList().stream().filter(c -> c.getType().equals("NetworkReady")).findFirst().orElseThrow();
            assertFalse(network.getStatus());
            assertEquals("NetworkPluginNotReady", network.getReason());
            assertTrue(network.getMessage().contains(dir.resolve("net.d").toString()), network.getMessage());
            assertTrue(before.getInfoOrThrow("config").contains("\"socket\" : \"" + jcrid.socket() + "\""), before.getInfoOrThrow("config"));

            Files.createDirectories(dir.resolve("net.d"));
            Files.writeString(dir.resolve("net.d/10-test.conflist"), "{\"cniVersion\":\"1.0.0\",\"name\":\"t\",\"plugins\":[]}");
            var after = cri.runtime().status(StatusRequest.getDefaultInstance());
            assertTrue(after.getStatus().getConditionsList().stream().anyMatch(c -> c.getType().equals("NetworkReady") && c.getStatus()));
        }
    }

    @Test
    void badConfigStopsStartupNamingTheKey() throws Exception {
        var jcrid = JcridProcess.launch(dir, "[runtime]\ncgroup_driver = \"cgroupv3\"\n");
        assertTrue(jcrid.process().waitFor(30, TimeUnit.SECONDS));
        assertEquals(2, jcrid.process().exitValue());
        assertTrue(jcrid.log().contains("bad configuration: " + dir.resolve("config.toml")
                + ": in 'runtime': cgroup_driver must be cgroupfs or systemd (got 'cgroupv3')"), jcrid.log());
    }
}
