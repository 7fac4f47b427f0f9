package jcri.critest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.spdy.DefaultSpdyDataFrame;
import io.netty.handler.codec.spdy.DefaultSpdySynStreamFrame;
import io.netty.handler.codec.spdy.SpdyFrameCodec;
import io.netty.handler.codec.spdy.SpdyVersion;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import jcri.api.v1.AttachRequest;
import jcri.api.v1.ExecRequest;
import jcri.api.v1.ExecSyncRequest;
import jcri.api.v1.PortForwardRequest;
import jcri.api.v1.VersionRequest;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The streaming server under malformed traffic on valid exec, attach and port-forward URLs: garbage instead of HTTP, garbage after a SPDY or
 * WebSocket upgrade, a genuine SPDY exec session's frames with bytes flipped, cut or repeated. Each connection the
 * client drops must end its session (the {@code container_runtime_jcri_stream_sessions} gauge back to 0) and the command it may have
 * started; the daemon keeps serving exec. The suite runs a fixed seed; {@code -Dcritest.fuzz.seed=N} runs
 * another.
 */
class StreamFuzzSpec {
    private static final int ATTEMPTS = 60;
    private static final int QUIET_MILLIS = 250;
    private final CriClient cri = Target.client();

    @Test
    void malformedStreamsEndTheirSessionsAndTheirCommands() throws Exception {
        var daemon = Target.daemon();
        Assumptions.assumeTrue(daemon.isPresent(), "reads the session gauge of the jcrid the suite started");
        long seed = Long.getLong("critest.fuzz.seed", RequestFuzzSpec.FIXED_SEED);
        System.out.println("stream fuzz: seed " + seed + ", " + ATTEMPTS + " connections");
        var random = new Random(seed);
        var pod = Pods.config("stream-fuzz").build();
        var podId = Pods.run(cri, pod);
        try {
            var container = Pods.start(cri, podId, pod, Pods.shell(cri, "idle", "exec sleep 100000").build());
            var command = List.of("sleep", String.valueOf(70_000 + ProcessHandle.current().pid() % 10_000)); // no other test's
            var genuine = genuineSpdyExec();
            int started = 0;
            for (int i = 0; i < ATTEMPTS; i++) {
                var url = URI.create(switch (random.nextInt(4)) {
                    case 0 -> cri.runtime().attach(AttachRequest.newBuilder().setContainerId(container).setStdout(true).build()).getUrl();
                    case 1 -> cri.runtime().portForward(PortForwardRequest.newBuilder().setPodSandboxId(podId).addPort(80).build()).getUrl();
                    default -> cri.runtime().exec(ExecRequest.newBuilder().setContainerId(container).addAllCmd(command)
                            .setStdin(true).setStdout(true).setStderr(true).build()).getUrl();
                });
                try (var socket = new Socket(url.getHost(), url.getPort())) {
                    socket.setSoTimeout(QUIET_MILLIS);
                    var out = socket.getOutputStream();
                    switch (i % 5) {
                        case 0 -> out.write(randomBytes(random, 1 + random.nextInt(2048)));
                        case 1 -> {
                            upgrade(socket, url, spdyUpgrade(url));
                            out.write(mutate(random, genuine));
                        }
                        case 2 -> {
                            upgrade(socket, url, spdyUpgrade(url));
                            out.write(randomBytes(random, 1 + random.nextInt(4096)));
                        }
                        case 3 -> {
                            upgrade(socket, url, spdyUpgrade(url));
                            out.write(genuine, 0, random.nextInt(genuine.length));
                        }
                        default -> {
                            upgrade(socket, url, webSocketUpgrade(url, random));
                            out.write(randomBytes(random, 1 + random.nextInt(4096)));
                        }
                    }
                    out.flush();
                    drain(socket.getInputStream());
                    started += running(command).isEmpty() ? 0 : 1;
                }
            }
            System.out.println("stream fuzz: the command was running when the client left " + started + " times");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
            while ((openSessions(daemon.get()) > 0 || !running(command).isEmpty()) && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            assertEquals(0, openSessions(daemon.get()), "streaming sessions still open after their clients left; seed " + seed);
            assertEquals(List.of(), running(command), "commands of dropped sessions still running; seed " + seed);
            assertEquals("jcri", cri.runtime().version(VersionRequest.getDefaultInstance()).getRuntimeName());
            try (var client = SpdyClient.connect(cri.runtime().exec(ExecRequest.newBuilder().setContainerId(container)
                    .addAllCmd(List.of("echo", "still-serving")).setStdout(true).build()).getUrl(), List.of("v4.channel.k8s.io"))) {
                var stdout = client.open("stdout");
                client.open("error");
                assertEquals("still-serving\n", stdout.received.untilEnd(java.time.Duration.ofSeconds(30)));
            }
            assertEquals(0, cri.runtime().execSync(ExecSyncRequest.newBuilder().setContainerId(container).addCmd("true").setTimeout(10)
                    .build()).getExitCode());
        } finally {
            Pods.destroy(cri, podId);
        }
    }

    private static double openSessions(JcridProcess daemon) throws IOException, InterruptedException {
        var metrics = daemon.metrics();
        return java.util.stream.Stream.of("exec", "attach", "portforward")
                .mapToDouble(kind -> metrics.value("container_runtime_jcri_stream_sessions{kind=\"" + kind + "\"}")).sum();
    }

    /** What a client sends for an exec with stdin, stdout and stderr that types one line and closes stdin. */
    private static byte[] genuineSpdyExec() {
        var channel = new EmbeddedChannel(new SpdyFrameCodec(SpdyVersion.SPDY_3_1));
        int id = 1;
        for (var type : List.of("error", "stdin", "stdout", "stderr")) {
            var syn = new DefaultSpdySynStreamFrame(id, 0, (byte) 0);
            syn.headers().add("streamtype", type);
            channel.writeOutbound(syn);
            id += 2;
        }
        channel.writeOutbound(new DefaultSpdyDataFrame(3, io.netty.buffer.Unpooled.copiedBuffer("echo hi\n", StandardCharsets.UTF_8)));
        var last = new DefaultSpdyDataFrame(3);
        last.setLast(true);
        channel.writeOutbound(last);
        var bytes = new ByteArrayOutputStream();
        for (ByteBuf buffer; (buffer = channel.readOutbound()) != null; ) {
            var chunk = new byte[buffer.readableBytes()];
            buffer.readBytes(chunk);
            buffer.release();
            bytes.writeBytes(chunk);
        }
        channel.finishAndReleaseAll();
        return bytes.toByteArray();
    }

    /** One to four edits: a byte flipped, set to 0x00 or 0xff, a slice repeated, random bytes inserted, or a cut. */
    private static byte[] mutate(Random random, byte[] original) {
        var bytes = original.clone();
        for (int edits = 1 + random.nextInt(4); edits > 0 && bytes.length > 0; edits--) {
            int at = random.nextInt(bytes.length);
            bytes = switch (random.nextInt(5)) {
                case 0 -> {
                    bytes[at] ^= (byte) (1 << random.nextInt(8));
                    yield bytes;
                }
                case 1 -> {
                    bytes[at] = random.nextBoolean() ? 0 : (byte) 0xff;
                    yield bytes;
                }
                case 2 -> concat(bytes, at, java.util.Arrays.copyOfRange(bytes, at, Math.min(bytes.length, at + 1 + random.nextInt(64))));
                case 3 -> concat(bytes, at, randomBytes(random, 1 + random.nextInt(16)));
                default -> java.util.Arrays.copyOf(bytes, at);
            };
        }
        return bytes;
    }

    private static byte[] concat(byte[] bytes, int at, byte[] inserted) {
        var out = new byte[bytes.length + inserted.length];
        System.arraycopy(bytes, 0, out, 0, at);
        System.arraycopy(inserted, 0, out, at, inserted.length);
        System.arraycopy(bytes, at, out, at + inserted.length, bytes.length - at);
        return out;
    }

    private static byte[] randomBytes(Random random, int length) {
        var bytes = new byte[length];
        random.nextBytes(bytes);
        return bytes;
    }

    private static String spdyUpgrade(URI url) {
        var protocol = url.getRawPath().startsWith("/portforward") ? "portforward.k8s.io" : "v4.channel.k8s.io";
        return "POST " + url.getRawPath() + " HTTP/1.1\r\nHost: " + url.getHost() + ":" + url.getPort()
                + "\r\nConnection: Upgrade\r\nUpgrade: SPDY/3.1\r\nX-Stream-Protocol-Version: " + protocol + "\r\nContent-Length: 0\r\n\r\n";
    }

    private static String webSocketUpgrade(URI url, Random random) {
        return "GET " + url.getRawPath() + " HTTP/1.1\r\nHost: " + url.getHost() + ":" + url.getPort()
                + "\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: "
                + Base64.getEncoder().encodeToString(randomBytes(random, 16)) + "\r\nSec-WebSocket-Protocol: "
                + (url.getRawPath().startsWith("/portforward") ? "v4.channel.k8s.io" : "v5.channel.k8s.io") + "\r\n\r\n";
    }

    /** Sends {@code request} and reads the response head, which must switch protocols. */
    private static void upgrade(Socket socket, URI url, String request) throws IOException {
        socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
        socket.setSoTimeout(30_000);
        var head = new StringBuilder();
        var in = socket.getInputStream();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            head.append((char) b);
        }
        socket.setSoTimeout(QUIET_MILLIS);
        assertTrue(head.toString().startsWith("HTTP/1.1 101"), "upgrade on " + url + " refused: " + head);
    }

    /** Reads what the server answers until it closes or goes quiet for {@link #QUIET_MILLIS}. */
    private static void drain(InputStream in) throws IOException {
        var buffer = new byte[8192];
        try {
            while (in.read(buffer) >= 0) {
                // discard
            }
        } catch (SocketTimeoutException quiet) {
            // the client leaves now
        } catch (IOException reset) {
            // the server closed hard: fine
        }
    }

    private static List<Long> running(List<String> command) {
        return HostProcesses.withCommandLine(String.join(" ", command));
    }
}
