package jcri.runtime.stream;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Port forwarding over SPDY: the client opens an error stream and a data stream per connection,
 * both with the port and the same request id headers; each complete pair is forwarded on its own.
 * Clients that send no request id pair a data stream with the error stream opened just before it.
 */
final class SpdyPortForward implements SpdyConnection.Acceptor {
    private final String podId;
    private final PortForwarder forwarder;
    private final Map<String, SpdyConnection.SpdyStream[]> pairs = new HashMap<>();
    private final CompletableFuture<Void> gone = new CompletableFuture<>();

    SpdyPortForward(String podId, PortForwarder forwarder) {
        this.podId = podId;
        this.forwarder = forwarder;
    }

    @Override
    public void accept(SpdyConnection.SpdyStream stream) {
        int slot = switch (stream.type()) {
            case "error" -> 0;
            case "data" -> 1;
            default -> -1;
        };
        int port = port(stream.header("port"));
        if (slot < 0 || port < 0) {
            stream.in().discard();
            stream.out().close();
            return;
        }
        var requestId = stream.header("requestid");
        if (requestId.isEmpty()) {
            requestId = String.valueOf(slot == 0 ? stream.id() : stream.id() - 2);
        }
        SpdyConnection.SpdyStream[] pair;
        synchronized (pairs) {
            pair = pairs.computeIfAbsent(requestId, id -> new SpdyConnection.SpdyStream[2]);
            pair[slot] = stream;
            if (pair[0] == null || pair[1] == null) {
                return;
            }
            pairs.remove(requestId);
        }
        var error = pair[0];
        var data = pair[1];
        error.in().discard();
        Thread.ofVirtual().name("forward-" + port).start(() -> forwarder.forward(podId, port, data.in(), data.out(), error.out(), gone));
    }

    private static int port(String header) {
        try {
            int port = Integer.parseInt(header);
            return port >= 1 && port <= 65535 ? port : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    @Override
    public void closed() {
        gone.complete(null);
    }
}
