package jcri.critest;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshakerFactory;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketVersion;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/** A Kubernetes channel-protocol WebSocket client (binary or base64), written on Netty's codecs for the specs. */
final class WebSocketClient implements AutoCloseable {
    private static final MultiThreadIoEventLoopGroup GROUP = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final Channel channel;
    private final Map<Integer, Received> channels = new ConcurrentHashMap<>();
    private volatile String protocol = "";
    private volatile boolean base64;

    private WebSocketClient(Channel channel) {
        this.channel = channel;
    }

    /** Connects with {@code protocol} as the only sub-protocol offered. */
    static WebSocketClient connect(String url, String protocol) throws Exception {
        var uri = URI.create(url.replaceFirst("^http", "ws"));
        var handshaker = WebSocketClientHandshakerFactory.newHandshaker(uri, WebSocketVersion.V13, protocol, false,
                new DefaultHttpHeaders(), 16 << 20);
        var ready = new CompletableFuture<WebSocketClient>();
        var holder = new WebSocketClient[1];
        new Bootstrap().group(GROUP).channel(NioSocketChannel.class).handler(new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel ch) {
                holder[0] = new WebSocketClient(ch); // before any event: the handshake may complete before connect() returns
                ch.pipeline().addLast(new HttpClientCodec(), new HttpObjectAggregator(1 << 16),
                        new WebSocketClientProtocolHandler(handshaker), new WebSocketFrameAggregator(16 << 20),
                        new SimpleChannelInboundHandler<WebSocketFrame>() {
                            @Override
                            public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
                                if (evt == WebSocketClientProtocolHandler.ClientHandshakeStateEvent.HANDSHAKE_COMPLETE) {
                                    var client = holder[0];
                                    client.protocol = handshaker.actualSubprotocol() == null ? "" : handshaker.actualSubprotocol();
                                    client.base64 = client.protocol.contains("base64.");
                                    ready.complete(client);
                                }
                            }

                            @Override
                            protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
                                holder[0].receive(frame);
                            }

                            @Override
                            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                                ready.completeExceptionally(cause);
                                ctx.close();
                            }

                            @Override
                            public void channelInactive(ChannelHandlerContext ctx) {
                                ready.completeExceptionally(new IllegalStateException("connection closed during the handshake"));
                                holder[0].channels.values().forEach(Received::end);
                            }
                        });
            }
        }).connect(uri.getHost(), uri.getPort()).sync();
        return ready.get(30, TimeUnit.SECONDS);
    }

    String protocol() {
        return protocol;
    }

    /** What arrives on {@code number}. */
    Received channel(int number) {
        return channels.computeIfAbsent(number, n -> new Received());
    }

    void write(int number, byte[] bytes) {
        WebSocketFrame frame;
        if (base64) {
            frame = new TextWebSocketFrame((char) ('0' + number) + Base64.getEncoder().encodeToString(bytes));
        } else {
            frame = new BinaryWebSocketFrame(Unpooled.wrappedBuffer(new byte[] {(byte) number}, bytes));
        }
        channel.writeAndFlush(frame).syncUninterruptibly();
    }

    void write(int number, String text) {
        write(number, text.getBytes(StandardCharsets.UTF_8));
    }

    /** v5: tells the server the client's {@code number} channel is done. */
    void closeChannel(int number) {
        channel.writeAndFlush(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(new byte[] {(byte) 255, (byte) number}))).syncUninterruptibly();
    }

    boolean awaitClosed(long seconds) {
        return channel.closeFuture().awaitUninterruptibly(seconds, TimeUnit.SECONDS);
    }

    private void receive(WebSocketFrame frame) {
        byte[] bytes;
        int number;
        if (frame instanceof TextWebSocketFrame text) {
            var message = text.text();
            if (message.isEmpty()) {
                return;
            }
            number = message.charAt(0) - '0';
            bytes = Base64.getDecoder().decode(message.substring(1));
        } else {
            var all = ByteBufUtil.getBytes(frame.content());
            if (all.length == 0) {
                return;
            }
            number = all[0] & 0xff;
            bytes = java.util.Arrays.copyOfRange(all, 1, all.length);
        }
        channel(number).add(bytes);
    }

    @Override
    public void close() {
        channel.close().syncUninterruptibly();
    }
}
