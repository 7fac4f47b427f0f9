package jcri.critest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import jcri.image.testing.FreePorts;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * exec (with and without a terminal and stdin), attach, port-forward (pod and host network) and logs
 * driven by the released crictl, whose streaming is client-go's over SPDY: the client the node's tools
 * and the kubelet's streaming proxy share, not one written beside jcri.
 */
class CrictlSpec {
    private static final CriClient CRI = Target.client();
    private static final Duration LIMIT = Duration.ofSeconds(40);
    private static WebServers servers;
    private static String shell;
    private static String logger;

    @BeforeAll
    static void startContainers() throws Exception {
        servers = WebServers.start(CRI, "crictl");
        shell = servers.podServer();
        var logging = Pods.shell(CRI, "logger", "echo to-stderr >&2; sleep 1; echo first; echo last; sleep 3600").build();
        logger = Pods.start(CRI, servers.podId(), servers.pod(), logging);
        Logs.await(Pods.log(servers.pod(), logging), "last", LIMIT);
    }

    @AfterAll
    static void removePods() {
        servers.close();
    }

    @Test
    void execWithoutTerminalReturnsOutputAndExitCode() throws Exception {
        var hello = Crictl.run("", LIMIT, "exec", shell, "echo", "hello");
        assertEquals(0, hello.exit(), hello.toString());
        assertEquals("hello\n", hello.stdout());
        var failing = Crictl.run("", LIMIT, "exec", shell, "sh", "-c", "echo out; echo err >&2; exit 3");
        assertNotEquals(0, failing.exit(), failing.toString());
        assertEquals("out\n", failing.stdout(), failing.toString());
        assertTrue(failing.stderr().contains("err\n") && failing.stderr().contains("exit code 3"), failing.toString());
    }

    @Test
    void execWithStdinReadsToItsEnd() throws Exception {
        var echoed = Crictl.run("abc\ndef\n", LIMIT, "exec", "-i", shell, "sh", "-c", "while read line; do echo \"got $line\"; done");
        assertEquals(0, echoed.exit(), echoed.toString());
        assertEquals("got abc\ngot def\n", echoed.stdout());
    }

    @Test
    void execSyncReturnsOutput() throws Exception {
        var sync = Crictl.run("", LIMIT, "exec", "--sync", shell, "sh", "-c", "echo $((6 * 7))");
        assertEquals(0, sync.exit(), sync.toString());
        assertEquals("42", sync.stdout().strip()); // crictl prints the output with a newline of its own
    }

    @Test
    void execSyncOfAHundredMegabytesAnswersWithTheCappedOutput() throws Exception {
        // crictl, like the kubelet, accepts answers of at most 16 MiB: the capped output must fit in one (conmon's 32 MiB of
        // log hold about 1.4 MB of 2-byte lines, each with its own timestamp and stream)
        var sync = Crictl.run("", Duration.ofSeconds(180), "--timeout", "150s", "exec", "--sync", "--timeout", "120", shell,
                "sh", "-c", "yes | head -c 100000000; echo done >&2");
        assertEquals(0, sync.exit(), sync.stderr());
        assertTrue(sync.stdout().length() > 1 << 20 && sync.stdout().length() < 16 << 20, "stdout of " + sync.stdout().length() + " chars");
        assertTrue(sync.stdout().startsWith("y\ny\ny\n"), sync.stdout().substring(0, 16));
    }

    @Test
    void execWithTerminalRunsAnInteractiveShell() throws Exception {
        var session = Crictl.runOnTerminal("tty\necho typed-$((6 * 7))\nexit 0\n", LIMIT, "exec", "-it", shell, "sh");
        assertEquals(0, session.exit(), session.toString());
        assertTrue(session.stdout().contains("/dev/pts/"), session.toString());
        assertTrue(session.stdout().contains("typed-42"), session.toString());
    }

    @Test
    void attachSendsStdinAndStreamsOutputUntilTheContainerEnds() throws Exception {
        var pod = Pods.config("crictl-attach").build();
        var attachPod = Pods.run(CRI, pod);
        try {
            var config = Pods.shell(CRI, "attached", "").clearCommand().clearArgs().addCommand("sh")
                    .setStdin(true).setStdinOnce(true).build();
            var container = Pods.start(CRI, attachPod, pod, config);
            var attach = Crictl.run("echo attached-$((6 * 7))\n", LIMIT, "attach", "-i", container);
            assertEquals(0, attach.exit(), attach.toString());
            assertTrue(attach.stdout().contains("attached-42"), attach.toString());
            assertEquals(0, Pods.awaitExit(CRI, container, LIMIT).getExitCode());
        } finally {
            Pods.destroy(CRI, attachPod);
        }
    }

    @Test
    void portForwardReachesAServerInThePodNetwork() throws Exception {
        assertEquals("hello-from-pod", forwardAndGet(servers.podId(), WebServers.POD_PORT));
    }

    @Test
    void portForwardReachesAServerOfAHostNetworkPod() throws Exception {
        assertEquals("hello-from-host-pod", forwardAndGet(servers.hostPodId(), servers.hostPort()));
    }

    @Test
    void logsShowStdoutAndStderrAndTheTail() throws Exception {
        var all = Crictl.run("", LIMIT, "logs", logger);
        assertEquals(0, all.exit(), all.toString());
        assertEquals("first\nlast\n", all.stdout());
        assertEquals("to-stderr\n", all.stderr());
        var tail = Crictl.run("", LIMIT, "logs", "--tail", "1", logger);
        assertEquals("last\n", tail.stdout() + tail.stderr(), tail.toString());
    }

    /** Runs {@code crictl port-forward POD LOCAL:port} and fetches / through it. */
    private static String forwardAndGet(String pod, int port) throws Exception {
        int local = FreePorts.pick();
        var output = Scratch.dir("crictl-forward-").resolve("output");
        var forward = Crictl.start(output, "port-forward", pod, local + ":" + port);
        try {
            long deadline = System.nanoTime() + LIMIT.toNanos();
            while (!Files.readString(output).contains("Forwarding from 127.0.0.1:" + local)) {
                if (!forward.isAlive() || System.nanoTime() > deadline) {
                    throw new AssertionError("crictl port-forward did not start: " + Files.readString(output));
                }
                Thread.sleep(50);
            }
            try (var http = HttpClient.newHttpClient()) {
                var response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + local + "/index.html"))
                        .timeout(LIMIT).build(), HttpResponse.BodyHandlers.ofString());
                assertEquals(200, response.statusCode(), response.body());
                return response.body().strip();
            }
        } finally {
            forward.destroy();
            forward.waitFor();
        }
    }
}
