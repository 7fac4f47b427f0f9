package jcri.critest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import jcri.api.v1.ContainerState;
import jcri.api.v1.ContainerStatusRequest;
import jcri.api.v1.ImageSpec;
import jcri.api.v1.PullImageRequest;
import jcri.api.v1.StatusRequest;
import jcri.api.v1.VersionRequest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * jcrid as a systemd {@code Type=notify} service (the shipped unit), with a socket of the spec's own as
 * {@code NOTIFY_SOCKET}: READY=1 once the CRI socket answers, watchdog pings, SIGHUP reloading rather than stopping,
 * STOPPING=1 at shutdown, and children (runc) that do not inherit the socket.
 */
class SystemdNotifySpec {
    private static final Duration WAIT = Duration.ofSeconds(60);
    /** The debug line of a Status call (the watchdog's own checks call Version). */
    private static final String STATUS_RPC = "rpc method=runtime.v1.RuntimeService/Status";

    @BeforeAll
    static void onlyForJcrid() {
        Assumptions.assumeFalse(Target.external(), "starts jcrid processes of its own");
    }

    @Test
    void readyOnceServingPingsReloadsOnHangupAndSaysWhenStopping() throws Exception {
        var dir = Scratch.dir("critest-notify-");
        try (var systemd = new NotifySocket(dir.resolve("notify"));
             var jcrid = JcridProcess.launch(dir, Map.of("NOTIFY_SOCKET", systemd.path().toString(), "WATCHDOG_USEC", "2000000"))) {
            var ready = systemd.next(WAIT);
            assertTrue(JcridProcess.accepts(jcrid.socket()), "the CRI socket accepts connections when READY=1 arrives");
            assertEquals("READY=1\nSTATUS=serving CRI on " + jcrid.endpoint(), ready, "the first message");
            try (var cri = new CriClient(jcrid.endpoint())) {
                assertEquals("jcri", cri.runtime().version(VersionRequest.getDefaultInstance()).getRuntimeName());
                assertEquals("WATCHDOG=1", systemd.await(m -> m.startsWith("WATCHDOG"), WAIT), "WATCHDOG_USEC asks for pings");

                var config = dir.resolve("config.toml");
                var started = Files.readString(config);
                reload(jcrid, config, started.replace("log_level = \"debug\"", "log_level = \"warn\"")
                        + "[images.registries.\"unused.example:5000\"]\nplain_http = true\n");
                var quiet = awaitLog(jcrid, "reloaded " + config + ": applied log_level debug -> warn, images.registries (1 hosts)");
                systemd.await(m -> m.equals("STATUS=serving CRI on " + jcrid.endpoint()), WAIT);
                cri.runtime().status(StatusRequest.getDefaultInstance());
                cri.runtime().status(StatusRequest.getDefaultInstance());

                reload(jcrid, config, started);
                var loud = awaitLog(jcrid, "reloaded " + config + ": applied log_level warn -> debug, images.registries (0 hosts)");
                assertTrue(jcrid.process().isAlive(), "SIGHUP does not stop jcrid");
                assertEquals("", lines(jcrid.log().substring(quiet, loud), STATUS_RPC), "no debug lines while at warn");
                cri.runtime().status(StatusRequest.getDefaultInstance());
                awaitLog(jcrid, STATUS_RPC, loud);

                reload(jcrid, config, "log_level = [\n");
                var failed = awaitLog(jcrid, "reload failed, the running configuration is unchanged: " + config);
                systemd.await(m -> m.startsWith("STATUS=serving CRI on " + jcrid.endpoint() + "; reload failed"), WAIT); // systemctl status says so
                cri.runtime().status(StatusRequest.getDefaultInstance());
                awaitLog(jcrid, STATUS_RPC, failed); // still at debug
            }
            assertEquals(143, jcrid.stop());
            assertEquals("STOPPING=1\nSTATUS=shutting down", systemd.await(m -> m.startsWith("STOPPING"), WAIT));
        }
    }

    /** runc start run with NOTIFY_SOCKET would wait for the container's own READY=1: jcrid's children must not see it. */
    @Test
    void containersStartUnderANotifySocket() throws Exception {
        var dir = Scratch.dir("critest-notify-pods-");
        TestNetwork.forExtraDaemon(dir.resolve("net.d"), dir.resolve("ipam"));
        var image = Pods.busyboxReference();
        try (var systemd = new NotifySocket(dir.resolve("notify"));
             var jcrid = JcridProcess.launch(dir, Map.of("NOTIFY_SOCKET", systemd.path().toString()));
             var cri = new CriClient(jcrid.endpoint())) {
            assertTrue(systemd.next(WAIT).startsWith("READY=1"));
            cri.images().pullImage(PullImageRequest.newBuilder().setImage(ImageSpec.newBuilder().setImage(image)).build());
            var pod = Pods.config("notify").build();
            var podId = Pods.run(cri, pod);
            try {
                var id = Pods.start(cri, podId, pod, Pods.shell(cri, "c", "exec sleep 1000").build());
                assertEquals(ContainerState.CONTAINER_RUNNING, cri.runtime().containerStatus(ContainerStatusRequest.newBuilder()
                        .setContainerId(id).build()).getStatus().getState());
            } finally {
                Pods.destroy(cri, podId);
            }
        }
    }

    private static void reload(JcridProcess jcrid, java.nio.file.Path config, String text) throws IOException, InterruptedException {
        Files.writeString(config, text);
        var kill = new ProcessBuilder("kill", "-HUP", Long.toString(jcrid.process().pid())).inheritIO().start();
        assertTrue(kill.waitFor(30, TimeUnit.SECONDS) && kill.exitValue() == 0, "kill -HUP");
    }

    /** Waits until the log holds {@code text}; returns where it ends. */
    private static int awaitLog(JcridProcess jcrid, String text) throws IOException, InterruptedException {
        return awaitLog(jcrid, text, 0);
    }

    /** Waits until the log holds {@code text} after {@code from}; returns where it ends. */
    private static int awaitLog(JcridProcess jcrid, String text, int from) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            var log = jcrid.log();
            int at = log.indexOf(text, from);
            if (at >= 0) {
                return at + text.length();
            }
            if (System.nanoTime() > deadline || !jcrid.process().isAlive()) {
                throw new AssertionError("no '" + text + "' in jcrid's log:\n" + log);
            }
            Thread.sleep(50);
        }
    }

    private static String lines(String log, String containing) {
        return String.join("\n", log.lines().filter(l -> l.contains(containing)).toList());
    }
}
