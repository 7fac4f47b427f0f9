package jcri.runtime.stream;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The Kubernetes channel protocol over a WebSocket: each message is one channel's bytes, prefixed
 * by the channel number (a binary byte, or an ASCII digit before base64 text for the
 * {@code base64.} protocols). With {@code v5.channel.k8s.io} a message on channel 255 carrying a
 * channel number closes that channel's input.
 */
final class WebSocketChannels extends SimpleChannelInboundHandler<WebSocketFrame> {
    private static final int CLOSE_CHANNEL = 255;
    private final boolean base64;
    private final boolean closeSignal;
    private final Map<Integer, InboundStream> inputs = new ConcurrentHashMap<>();
    private final CompletableFuture<Void> closed = new CompletableFuture<>();
    private ChannelHandlerContext context;
    private ReadGate gate;

    /** {@code protocol} is the negotiated subprotocol, or empty. */
    WebSocketChannels(String protocol) {
        this.base64 = protocol.contains("base64.");
        this.closeSignal = protocol.startsWith("v5.");
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        context = ctx;
        gate = new ReadGate(ctx.channel());
    }

    /** What the client sends on {@code channel}. Call before the first message can arrive. */
    InboundStream input(int channel) {
        return inputs.computeIfAbsent(channel, c -> new InboundStream(gate));
    }

    /** Where jcrid writes to {@code channel}; closing it sends nothing (the protocol has no per-channel end). */
    OutboundStream output(int channel) {
        return new OutboundStream(context.channel(), data -> frame(channel, data), null);
    }

    private WebSocketFrame frame(int channel, ByteBuf data) {
        if (base64) {
            var text = (char) ('0' + channel) + Base64.getEncoder().encodeToString(ByteBufUtil.getBytes(data));
            data.release();
            return new TextWebSocketFrame(text);
        }
        return new BinaryWebSocketFrame(Unpooled.wrappedBuffer(Unpooled.wrappedBuffer(new byte[] {(byte) channel}), data));
    }

    CompletableFuture<Void> closed() {
        return closed;
    }

    /** Ends the connection with a normal close. */
    void finish() {
        var channel = context.channel();
        if (channel.isActive()) {
            channel.writeAndFlush(new CloseWebSocketFrame(1000, "")).addListener(ChannelFutureListener.CLOSE);
        }
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
        switch (frame) {
            case BinaryWebSocketFrame binary -> deliver(binary.content());
            case TextWebSocketFrame text -> {
                var message = text.text();
                if (!message.isEmpty()) {
                    var data = base64 ? Base64.getDecoder().decode(message.substring(1)) : message.substring(1).getBytes(StandardCharsets.UTF_8);
                    var buf = Unpooled.buffer(1 + data.length).writeByte(message.charAt(0) - (base64 ? '0' : 0)).writeBytes(data);
                    try {
                        deliver(buf);
                    } finally {
                        buf.release();
                    }
                }
            }
            case PingWebSocketFrame ping -> ctx.writeAndFlush(new PongWebSocketFrame(ping.content().retain()));
            case CloseWebSocketFrame close -> ctx.writeAndFlush(new CloseWebSocketFrame(1000, "")).addListener(ChannelFutureListener.CLOSE);
            default -> {
                // pongs and stray continuations carry nothing for us
            }
        }
    }

    private void deliver(ByteBuf message) {
        if (!message.isReadable()) {
            return;
        }
        int channel = message.readUnsignedByte();
        if (channel == CLOSE_CHANNEL && closeSignal) {
            if (message.isReadable()) {
                var input = inputs.get((int) message.readUnsignedByte());
                if (input != null) {
                    input.end();
                }
            }
            return;
        }
        var input = inputs.get(channel);
        if (input != null) {
            input.offer(message);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        inputs.values().forEach(InboundStream::discard);
        closed.complete(null);
        ctx.fireChannelInactive();
    }
}
