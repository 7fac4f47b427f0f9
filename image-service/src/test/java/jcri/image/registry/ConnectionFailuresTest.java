package jcri.image.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.UnresolvedAddressException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Real failures of Java's HTTP client against sockets on 127.0.0.1, each named for what it was. */
class ConnectionFailuresTest {
    /** Only a bound: these answers come at once, but a TLS handshake's set-up takes seconds on a busy machine. */
    private static final Duration LOADED_MACHINE_BOUND = Duration.ofSeconds(60);

    private static IOException failureOf(String uri, Duration timeout) {
        try (var client = HttpClient.newHttpClient()) {
            return assertThrows(IOException.class, () -> client.send(HttpRequest.newBuilder(URI.create(uri)).timeout(timeout).build(),
                    HttpResponse.BodyHandlers.discarding()));
        }
    }

    @Test
    void aClosedPortIsARefusedConnection() throws IOException {
        int port;
        try (var socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        assertEquals("connection refused", ConnectionFailures.describe(failureOf("http://127.0.0.1:" + port + "/v2/", LOADED_MACHINE_BOUND)));
    }

    @Test
    void aServerThatNeverAnswersIsATimeout() throws IOException {
        try (var socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            var failure = failureOf("http://127.0.0.1:" + socket.getLocalPort() + "/v2/", Duration.ofMillis(300));
            assertEquals("no answer in time", ConnectionFailures.describe(failure));
        }
    }

    @Test
    void plainHttpAnsweringTlsIsATlsFailure() throws Exception {
        try (var socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            var server = Thread.ofVirtual().start(() -> {
                // as a plain HTTP server does: read the request (here a ClientHello), answer, and close only after the client has;
                // closing before the ClientHello arrives makes Java's client wait for its timeout now and then (1 in 200 under load)
                try (var peer = socket.accept()) {
                    peer.getInputStream().read(new byte[4096]);
                    peer.getOutputStream().write("HTTP/1.1 400 Bad Request\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                    peer.shutdownOutput();
                    peer.getInputStream().transferTo(OutputStream.nullOutputStream());
                } catch (IOException e) {
                    // the client gave up first
                }
            });
            var failure = failureOf("https://127.0.0.1:" + socket.getLocalPort() + "/v2/", LOADED_MACHINE_BOUND);
            assertTrue(ConnectionFailures.describe(failure).startsWith("TLS failed: "), ConnectionFailures.describe(failure));
            server.join();
        }
    }

    @Test
    void anUnresolvableHostIsNamedSo() {
        // how Java's HTTP client reports a name it cannot resolve: a ConnectException without message around the cause
        var failure = new ConnectException();
        failure.initCause(new UnresolvedAddressException());
        assertEquals("host name not resolved", ConnectionFailures.describe(failure));
    }
}
