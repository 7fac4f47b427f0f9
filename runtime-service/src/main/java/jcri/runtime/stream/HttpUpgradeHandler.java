package jcri.runtime.stream;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshakerFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The first request on a streaming connection: {@code /exec|attach|portforward/<token>} with an
 * upgrade to SPDY/3.1 or WebSocket. The token is used up; the sub-protocol is the first the client
 * lists that jcrid speaks; then the HTTP handlers leave the pipeline and the session starts.
 */
final class HttpUpgradeHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    static final String SPDY_PROTOCOL_HEADER = "X-Stream-Protocol-Version";
    private static final int MAX_WEBSOCKET_MESSAGE = 8 << 20;
    private final StreamTokens tokens;
    private final StreamSessions sessions;
    private final boolean tls;

    HttpUpgradeHandler(StreamTokens tokens, StreamSessions sessions, boolean tls) {
        this.tokens = tokens;
        this.sessions = sessions;
        this.tls = tls;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        var uri = new QueryStringDecoder(request.uri());
        var parts = uri.path().split("/");
        var found = parts.length == 3 ? tokens.take(parts[2]).filter(r -> r.kind().equals(parts[1])) : Optional.<StreamRequest>empty();
        if (found.isEmpty()) {
            respond(ctx, HttpResponseStatus.NOT_FOUND, "unknown or expired streaming URL " + uri.path());
            return;
        }
        var upgrade = request.headers().get(HttpHeaderNames.UPGRADE, "").toLowerCase(Locale.ROOT);
        if (upgrade.equals("websocket")) {
            webSocket(ctx, request, found.get(), uri);
        } else if (upgrade.startsWith("spdy/3.1")) {
            spdy(ctx, request, found.get());
        } else {
            respond(ctx, HttpResponseStatus.BAD_REQUEST, "streaming needs an upgrade to SPDY/3.1 or WebSocket");
        }
    }

    private void spdy(ChannelHandlerContext ctx, FullHttpRequest request, StreamRequest stream) {
        var offered = StreamSessions.spdyProtocols(stream);
        var asked = listed(request.headers().getAll(SPDY_PROTOCOL_HEADER));
        var chosen = asked.isEmpty() ? "" : asked.stream().filter(offered::contains).findFirst().orElse(null);
        if (chosen == null) {
            var response = text(HttpResponseStatus.FORBIDDEN, "unable to negotiate a protocol: the client offers " + asked
                    + ", jcri speaks " + offered);
            offered.forEach(p -> response.headers().add("X-Accepted-Stream-Protocol-Versions", p));
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
            return;
        }
        var response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.SWITCHING_PROTOCOLS);
        response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE).set(HttpHeaderNames.UPGRADE, "SPDY/3.1");
        if (!chosen.isEmpty()) {
            response.headers().set(SPDY_PROTOCOL_HEADER, chosen);
        }
        ctx.writeAndFlush(response); // encoded by the HTTP codec before it leaves the pipeline below
        var pipeline = ctx.pipeline();
        sessions.startSpdy(ctx.channel(), "http", stream, chosen);
        pipeline.remove("aggregate");
        pipeline.remove(this);
        pipeline.remove("http");
    }

    private void webSocket(ChannelHandlerContext ctx, FullHttpRequest request, StreamRequest stream, QueryStringDecoder uri) {
        var offered = StreamSessions.webSocketProtocols(stream);
        var asked = listed(request.headers().getAll(HttpHeaderNames.SEC_WEBSOCKET_PROTOCOL));
        var chosen = asked.isEmpty() ? "" : asked.stream().filter(offered::contains).findFirst().orElse(null);
        if (chosen == null) {
            respond(ctx, HttpResponseStatus.BAD_REQUEST, "requested protocols " + asked + " are not supported; jcri speaks " + offered);
            return;
        }
        List<Integer> ports;
        try {
            ports = uri.parameters().getOrDefault("port", List.of()).stream().map(HttpUpgradeHandler::port).toList();
        } catch (IllegalArgumentException e) {
            respond(ctx, HttpResponseStatus.BAD_REQUEST, e.getMessage());
            return;
        }
        var location = (tls ? "wss://" : "ws://") + request.headers().get(HttpHeaderNames.HOST, "localhost") + request.uri();
        var handshaker = new WebSocketServerHandshakerFactory(location, chosen.isEmpty() ? null : chosen, false, MAX_WEBSOCKET_MESSAGE)
                .newHandshaker(request);
        if (handshaker == null) {
            WebSocketServerHandshakerFactory.sendUnsupportedVersionResponse(ctx.channel());
            return;
        }
        var channels = new WebSocketChannels(chosen);
        var pipeline = ctx.pipeline();
        pipeline.addLast("ws-aggregate", new WebSocketFrameAggregator(MAX_WEBSOCKET_MESSAGE));
        pipeline.addLast("ws-channels", channels);
        handshaker.handshake(ctx.channel(), request).addListener(done -> {
            if (done.isSuccess()) {
                sessions.startWebSocket(channels, stream, chosen, ports);
            } else {
                ctx.close();
            }
        });
        pipeline.remove(this);
    }

    private static int port(String text) {
        try {
            int port = Integer.parseInt(text);
            if (port >= 1 && port <= 65535) {
                return port;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("port " + text + " is not a number between 1 and 65535");
    }

    /** Header values, each possibly a comma-separated list, flattened. */
    private static List<String> listed(List<String> values) {
        var all = new ArrayList<String>();
        for (var value : values) {
            for (var item : value.split(",")) {
                if (!item.isBlank()) {
                    all.add(item.strip());
                }
            }
        }
        return all;
    }

    private static void respond(ChannelHandlerContext ctx, HttpResponseStatus status, String message) {
        ctx.writeAndFlush(text(status, message)).addListener(ChannelFutureListener.CLOSE);
    }

    private static DefaultFullHttpResponse text(HttpResponseStatus status, String message) {
        var response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                Unpooled.copiedBuffer(message + "\n", StandardCharsets.UTF_8));
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8")
                .setInt(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes());
        return response;
    }
}
