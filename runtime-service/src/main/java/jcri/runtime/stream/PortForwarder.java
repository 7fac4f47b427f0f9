package jcri.runtime.stream;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.logging.Level;
import java.util.logging.Logger;
import jcri.runtime.sandbox.PodDialer;

/**
 * Forwards one client connection to a port in a pod: bytes from the client's data stream to the
 * pod, the pod's bytes back, each direction's end passed on as a half-close; a failure to connect
 * is reported on the error stream.
 */
final class PortForwarder {
    private static final Logger LOG = Logger.getLogger(PortForwarder.class.getName());
    private static final Duration CLIENT_CLOSE_WAIT = Duration.ofSeconds(60);
    private final PodDialer dialer;
    private final SessionGauge gauge;

    PortForwarder(PodDialer dialer, SessionGauge gauge) {
        this.dialer = dialer;
        this.gauge = gauge;
    }

    /** Runs until both directions have ended or the client is gone; closes {@code out} and {@code error}. */
    void forward(String podId, int port, InboundStream in, OutboundStream out, OutboundStream error,
                 CompletableFuture<Void> clientGone) {
        try (var ignored = gauge.open("portforward"); error; out) {
            SocketChannel socket;
            try {
                socket = dialer.connect(podId, port);
            } catch (IOException | RuntimeException e) {
                in.discard();
                error.write(("error forwarding port " + port + " to pod " + podId + ": " + e.getMessage())
                        .getBytes(StandardCharsets.UTF_8));
                return;
            }
            clientGone.thenRunAsync(() -> closeQuietly(socket), task -> Thread.ofVirtual().start(task));
            try (socket) {
                var upstream = Thread.ofVirtual().name("forward-in").start(() -> toPod(in, socket));
                fromPod(socket, out);
                out.close();
                upstream.join(CLIENT_CLOSE_WAIT); // the client normally ends its side once it has read ours
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                in.discard();
            }
        } catch (IOException e) {
            LOG.log(Level.FINE, "port forward ended", e);
        }
    }

    private static void closeQuietly(SocketChannel socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    private static void toPod(InboundStream in, SocketChannel socket) {
        var buffer = new byte[64 << 10];
        try {
            int n;
            while ((n = in.read(buffer, 0, buffer.length)) >= 0) {
                var bytes = ByteBuffer.wrap(buffer, 0, n);
                while (bytes.hasRemaining()) {
                    socket.write(bytes);
                }
            }
            socket.shutdownOutput();
        } catch (IOException e) {
            LOG.log(Level.FINE, "forwarding to the pod ended", e);
        }
    }

    private static void fromPod(SocketChannel socket, OutputStream out) {
        var buffer = ByteBuffer.allocate(64 << 10);
        try {
            while (socket.read(buffer) >= 0) {
                out.write(buffer.array(), 0, buffer.position());
                buffer.clear();
            }
        } catch (IOException e) {
            LOG.log(Level.FINE, "forwarding from the pod ended", e);
        }
    }
}
