package jcri.runtime.stream;

import io.netty.channel.EventLoop;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * An exec or attach session over SPDY: waits for the client to open the streams the request
 * implies (error, and stdin, stdout, stderr, resize as asked), then runs the session on them.
 * A client that has not opened them all within 30 s is disconnected.
 */
final class SpdyRemoteCommand implements SpdyConnection.Acceptor {
    private static final long STREAM_WAIT_SECONDS = 30;
    private final StreamRequest request;
    private final String protocol;
    private final RemoteCommand command;
    private final List<String> expected;
    private final Map<String, SpdyConnection.SpdyStream> streams = new HashMap<>();
    private final CompletableFuture<Void> gone = new CompletableFuture<>();
    private SpdyConnection connection;
    private boolean started;

    SpdyRemoteCommand(StreamRequest request, StreamRequest.Stdio stdio, String protocol, RemoteCommand command) {
        this.request = request;
        this.protocol = protocol;
        this.command = command;
        // protocols before v3 have no resize stream
        this.expected = streamTypes(stdio, protocol.startsWith("v3.") || protocol.startsWith("v4."));
    }

    void bind(SpdyConnection connection, EventLoop loop) {
        this.connection = connection;
        loop.schedule(() -> {
            if (!started()) {
                connection.abort();
            }
        }, STREAM_WAIT_SECONDS, TimeUnit.SECONDS);
    }

    private synchronized boolean started() {
        return started;
    }

    @Override
    public void accept(SpdyConnection.SpdyStream stream) {
        RemoteStreams ready;
        synchronized (this) {
            if (started || !expected.contains(stream.type()) || streams.containsKey(stream.type())) {
                stream.in().discard();
                return;
            }
            streams.put(stream.type(), stream);
            if (!streams.keySet().containsAll(expected)) {
                return;
            }
            started = true;
            ready = new RemoteStreams(in("stdin"), out("stdout"), out("stderr"), out("error"), in("resize"),
                    protocol.startsWith("v4."), gone, connection::finish);
        }
        Thread.ofVirtual().name("stream-" + request.kind()).start(() -> command.run(request, ready));
    }

    private InboundStream in(String type) {
        var stream = streams.get(type);
        return stream == null ? null : stream.in();
    }

    private OutboundStream out(String type) {
        var stream = streams.get(type);
        return stream == null ? null : stream.out();
    }

    @Override
    public void closed() {
        gone.complete(null);
    }

    /** The stream types a client opens for this request: error always, the others as asked. */
    private static List<String> streamTypes(StreamRequest.Stdio stdio, boolean resize) {
        var types = new ArrayList<String>(List.of("error"));
        if (stdio.stdin()) {
            types.add("stdin");
        }
        if (stdio.stdout()) {
            types.add("stdout");
        }
        if (stdio.stderr() && !stdio.tty()) {
            types.add("stderr");
        }
        if (stdio.tty() && resize) {
            types.add("resize");
        }
        return types;
    }
}
