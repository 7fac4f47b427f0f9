package jcri.critest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.List;
import jcri.api.v1.ExecRequest;
import jcri.api.v1.ExecSyncRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** critest "streaming exec": Exec over SPDY and WebSocket, with and without a terminal, stdin, resize, exit codes. */
class ExecStreamSpec {
    static final ObjectMapper JSON = new ObjectMapper();
    static final Duration WAIT = Duration.ofSeconds(30);
    private static final CriClient CRI = Target.client();
    private static String podId;
    private static String container;

    @BeforeAll
    static void startContainer() {
        var pod = Pods.config("exec-stream").build();
        podId = Pods.run(CRI, pod);
        container = Pods.start(CRI, podId, pod, Pods.shell(CRI, "idle", "exec sleep 100000").build());
    }

    @AfterAll
    static void removePod() {
        Pods.destroy(CRI, podId);
    }

    private static String url(boolean tty, boolean stdin, boolean stdout, boolean stderr, String... cmd) {
        return CRI.runtime().exec(ExecRequest.newBuilder().setContainerId(container).addAllCmd(List.of(cmd))
                .setTty(tty).setStdin(stdin).setStdout(stdout).setStderr(stderr).build()).getUrl();
    }

    static JsonNode status(Received error) throws InterruptedException {
        try {
            return JSON.readTree(error.untilEnd(WAIT));
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    static void assertExitCode(int code, JsonNode status) {
        assertEquals("Failure", status.path("status").asText(), status.toString());
        assertEquals("NonZeroExitCode", status.path("reason").asText(), status.toString());
        assertEquals("ExitCode", status.at("/details/causes/0/reason").asText(), status.toString());
        assertEquals(String.valueOf(code), status.at("/details/causes/0/message").asText(), status.toString());
    }

    @Test
    void spdyExecSeparatesStdoutAndStderrAndReportsTheExitCode() throws Exception {
        var url = url(false, false, true, true, "sh", "-c", "echo out; echo err >&2; exit 3");
        try (var client = SpdyClient.connect(url, List.of("v4.channel.k8s.io", "v3.channel.k8s.io"))) {
            assertEquals("v4.channel.k8s.io", client.protocol());
            var error = client.open("error");
            var stdout = client.open("stdout");
            var stderr = client.open("stderr");
            assertEquals("out\n", stdout.received.untilEnd(WAIT));
            assertEquals("err\n", stderr.received.untilEnd(WAIT));
            assertExitCode(3, status(error.received));
        }
    }

    @Test
    void spdyExecPassesStdinUntilTheClientClosesIt() throws Exception {
        var url = url(false, true, true, false, "cat");
        try (var client = SpdyClient.connect(url, List.of("v4.channel.k8s.io"))) {
            var error = client.open("error");
            var stdin = client.open("stdin");
            var stdout = client.open("stdout");
            stdin.write("hello\n");
            assertEquals("hello\n", stdout.received.until(s -> s.equals("hello\n"), WAIT));
            stdin.write("world\n");
            stdin.close();
            assertEquals("hello\nworld\n", stdout.received.untilEnd(WAIT));
            assertEquals("Success", status(error.received).path("status").asText());
        }
    }

    @Test
    void terminalExecAppliesResizesAndMergesOutput() throws Exception {
        var url = url(true, true, true, false, "sh");
        try (var client = SpdyClient.connect(url, List.of("v4.channel.k8s.io"))) {
            var error = client.open("error");
            var stdin = client.open("stdin");
            var stdout = client.open("stdout");
            var resize = client.open("resize");
            resize.write("{\"Width\":123,\"Height\":45}");
            // the resize and stdin streams are independent: give the resize up to 10 s to land
            stdin.write("i=0; while [ \"$(stty size)\" != '45 123' ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i+1)); done;"
                    + " tty; stty size; echo to-stderr >&2; exit 7\n");
            var output = stdout.received.untilEnd(WAIT);
            assertTrue(output.contains("/dev/pts/"), output);
            assertTrue(output.contains("45 123"), output);
            assertTrue(output.contains("to-stderr"), output);
            assertExitCode(7, status(error.received));
        }
    }

    @Test
    void olderProtocolsReportFailureAsText() throws Exception {
        var url = url(false, false, true, false, "sh", "-c", "exit 5");
        try (var client = SpdyClient.connect(url, List.of("v2.channel.k8s.io"))) {
            assertEquals("v2.channel.k8s.io", client.protocol());
            var error = client.open("error");
            client.open("stdout");
            assertTrue(error.received.untilEnd(WAIT).contains("exit"));
        }
    }

    @Test
    void theCommandIsKilledWhenTheClientGoesAway() throws Exception {
        var url = url(false, false, true, false, "sh", "-c", "echo started; exec sleep 4321");
        try (var client = SpdyClient.connect(url, List.of("v4.channel.k8s.io"))) {
            client.open("error");
            client.open("stdout").received.until(s -> s.contains("started"), WAIT);
        }
        long deadline = System.nanoTime() + WAIT.toNanos();
        String ps;
        do {
            Thread.sleep(200);
            ps = CRI.runtime().execSync(ExecSyncRequest.newBuilder().setContainerId(container).addCmd("ps").setTimeout(10).build())
                    .getStdout().toStringUtf8();
        } while (ps.contains("sleep 4321") && System.nanoTime() < deadline);
        assertFalse(ps.contains("sleep 4321"), ps);
    }

    @Test
    void webSocketV5ExecWithStdinAndTheCloseSignal() throws Exception {
        var url = url(false, true, true, true, "sh", "-c", "cat; echo done >&2");
        try (var client = WebSocketClient.connect(url, "v5.channel.k8s.io")) {
            assertEquals("v5.channel.k8s.io", client.protocol());
            client.write(0, "abc\n");
            assertEquals("abc\n", client.channel(1).until(s -> s.equals("abc\n"), WAIT));
            client.closeChannel(0);
            assertEquals("done\n", client.channel(2).until(s -> s.equals("done\n"), WAIT));
            assertEquals("Success", status(client.channel(3)).path("status").asText());
            assertTrue(client.awaitClosed(30), "the server ends the connection after the status");
        }
    }

    @Test
    void base64WebSocketExec() throws Exception {
        var url = url(false, false, true, false, "sh", "-c", "echo b64; exit 2");
        try (var client = WebSocketClient.connect(url, "v4.base64.channel.k8s.io")) {
            assertEquals("v4.base64.channel.k8s.io", client.protocol());
            assertEquals("b64\n", client.channel(1).until(s -> s.equals("b64\n"), WAIT));
            assertExitCode(2, status(client.channel(3)));
        }
    }

    @Test
    void urlsAreSingleUse() throws Exception {
        var url = url(false, false, true, false, "true");
        try (var client = SpdyClient.connect(url, List.of("v4.channel.k8s.io"))) {
            client.open("error");
            client.open("stdout");
            assertEquals(404, SpdyClient.upgrade(url, List.of("v4.channel.k8s.io")).status());
        }
    }

    @Test
    void unknownProtocolsAreRefused() throws Exception {
        var url = url(false, false, true, false, "true");
        var answer = SpdyClient.upgrade(url, List.of("v9.channel.k8s.io"));
        assertEquals(403, answer.status(), answer.body());
        assertTrue(answer.body().contains("v4.channel.k8s.io"), answer.body());
    }

    @Test
    void badRequestsGetClearErrors() {
        var both = assertThrows(StatusRuntimeException.class, () -> url(true, false, true, true, "sh"));
        assertEquals(Status.Code.INVALID_ARGUMENT, both.getStatus().getCode());
        var none = assertThrows(StatusRuntimeException.class, () -> url(false, false, false, false, "sh"));
        assertEquals(Status.Code.INVALID_ARGUMENT, none.getStatus().getCode());
        if (!Target.external()) {
            var noCommand = assertThrows(StatusRuntimeException.class, () -> url(false, false, true, false));
            assertEquals(Status.Code.INVALID_ARGUMENT, noCommand.getStatus().getCode(), "containerd 1.6 accepts an empty command here");
        }
        var unknown = assertThrows(StatusRuntimeException.class, () -> CRI.runtime().exec(ExecRequest.newBuilder()
                .setContainerId("no-such-container").addCmd("sh").setStdout(true).build()));
        assertEquals(Status.Code.NOT_FOUND, unknown.getStatus().getCode());
    }
}
