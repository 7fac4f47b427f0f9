package jcri.runtime.stream;

import io.netty.channel.Channel;
import io.netty.handler.codec.spdy.SpdyFrameCodec;
import io.netty.handler.codec.spdy.SpdyVersion;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/** Starts the session a stream request asks for on a connection that has switched to SPDY or WebSocket. */
final class StreamSessions {
    /** Sub-protocols offered for exec and attach, most preferred first. */
    static final List<String> SPDY_COMMAND = List.of("v4.channel.k8s.io", "v3.channel.k8s.io", "v2.channel.k8s.io", "channel.k8s.io");
    static final List<String> SPDY_FORWARD = List.of("portforward.k8s.io");
    static final List<String> WS_COMMAND = List.of("v5.channel.k8s.io", "v4.channel.k8s.io", "v4.base64.channel.k8s.io",
            "v3.channel.k8s.io", "v3.base64.channel.k8s.io", "v2.channel.k8s.io", "v2.base64.channel.k8s.io",
            "channel.k8s.io", "base64.channel.k8s.io");
    static final List<String> WS_FORWARD = List.of("v4.channel.k8s.io", "v4.base64.channel.k8s.io", "portforward.k8s.io",
            "channel.k8s.io", "base64.channel.k8s.io");
    private final RemoteCommand command;
    private final PortForwarder forwarder;

    StreamSessions(RemoteCommand command, PortForwarder forwarder) {
        this.command = command;
        this.forwarder = forwarder;
    }

    static List<String> spdyProtocols(StreamRequest request) {
        return request instanceof StreamRequest.PortForward ? SPDY_FORWARD : SPDY_COMMAND;
    }

    static List<String> webSocketProtocols(StreamRequest request) {
        return request instanceof StreamRequest.PortForward ? WS_FORWARD : WS_COMMAND;
    }

    /** Installs the SPDY session on {@code channel}, whose HTTP handlers the caller removes. */
    void startSpdy(Channel channel, String afterHandler, StreamRequest request, String protocol) {
        SpdyConnection.Acceptor acceptor;
        SpdyRemoteCommand remote = null;
        if (request instanceof StreamRequest.PortForward forward) {
            acceptor = new SpdyPortForward(forward.podId(), forwarder);
        } else {
            remote = new SpdyRemoteCommand(request, stdio(request), protocol, command);
            acceptor = remote;
        }
        var connection = new SpdyConnection(acceptor);
        channel.pipeline().addAfter(afterHandler, "spdy-codec", new SpdyFrameCodec(SpdyVersion.SPDY_3_1));
        channel.pipeline().addAfter("spdy-codec", "spdy-session", connection);
        if (remote != null) {
            remote.bind(connection, channel.eventLoop());
        }
    }

    /** Starts the session over {@code channels}, the WebSocket handler already in the pipeline. */
    void startWebSocket(WebSocketChannels channels, StreamRequest request, String protocol, List<Integer> queryPorts) {
        if (request instanceof StreamRequest.PortForward forward) {
            forwardPorts(channels, forward, queryPorts.isEmpty() ? forward.ports() : queryPorts);
            return;
        }
        var stdio = stdio(request);
        var stdin = stdio.stdin() ? channels.input(0) : null;
        var resize = stdio.tty() ? channels.input(4) : null;
        var stdout = stdio.stdout() ? channels.output(1) : null;
        var stderr = stdio.stderr() && !stdio.tty() ? channels.output(2) : null;
        var error = channels.output(3);
        // an empty message on the first channel the client reads tells it the session is open
        (stdout != null ? stdout : stderr != null ? stderr : error).writeEmpty();
        var streams = new RemoteStreams(stdin, stdout, stderr, error, resize,
                protocol.startsWith("v4.") || protocol.startsWith("v5."), channels.closed(), channels::finish);
        Thread.ofVirtual().name("stream-" + request.kind()).start(() -> command.run(request, streams));
    }

    private void forwardPorts(WebSocketChannels channels, StreamRequest.PortForward request, List<Integer> ports) {
        if (ports.isEmpty()) {
            channels.finish();
            return;
        }
        var remaining = new AtomicInteger(ports.size());
        var started = new ArrayList<Runnable>();
        for (int i = 0; i < ports.size(); i++) {
            int port = ports.get(i);
            var in = channels.input(2 * i);
            var out = channels.output(2 * i);
            var error = channels.output(2 * i + 1);
            started.add(() -> {
                // each channel starts with its port number, two bytes little-endian
                var portBytes = new byte[] {(byte) port, (byte) (port >> 8)};
                try {
                    out.write(portBytes);
                    error.write(portBytes);
                    forwarder.forward(request.podId(), port, in, out, error, channels.closed());
                } catch (IOException gone) {
                    in.discard();
                } finally {
                    if (remaining.decrementAndGet() == 0) {
                        channels.finish();
                    }
                }
            });
        }
        started.forEach(task -> Thread.ofVirtual().name("forward").start(task));
    }

    private static StreamRequest.Stdio stdio(StreamRequest request) {
        return switch (request) {
            case StreamRequest.Exec e -> e.stdio();
            case StreamRequest.Attach a -> a.stdio();
            case StreamRequest.PortForward p -> throw new IllegalArgumentException("port forwarding has no stdio");
        };
    }
}
