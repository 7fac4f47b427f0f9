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
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.spdy.DefaultSpdyDataFrame;
import io.netty.handler.codec.spdy.DefaultSpdySynStreamFrame;
import io.netty.handler.codec.spdy.SpdyDataFrame;
import io.netty.handler.codec.spdy.SpdyFrameCodec;
import io.netty.handler.codec.spdy.SpdyRstStreamFrame;
import io.netty.handler.codec.spdy.SpdySynReplyFrame;
import io.netty.handler.codec.spdy.SpdyVersion;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A SPDY/3.1 streaming client as kubectl and crictl speak it (HTTP upgrade with
 * X-Stream-Protocol-Version, then client-opened streams), written on Netty's codecs for the specs.
 */
public final class SpdyClient implements AutoCloseable {
    private static final MultiThreadIoEventLoopGroup GROUP = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final Channel channel;
    private final String protocol;
    private final AtomicInteger nextId = new AtomicInteger(1);
    private final Map<Integer, Stream> streams = new ConcurrentHashMap<>();

    /** A stream this client opened. */
    public final class Stream {
        final int id;
        public final Received received = new Received();
        final CompletableFuture<Void> replied = new CompletableFuture<>();

        Stream(int id) {
            this.id = id;
        }

        public void write(String text) {
            write(text.getBytes(StandardCharsets.UTF_8));
        }

        void write(byte[] bytes) {
            channel.writeAndFlush(new DefaultSpdyDataFrame(id, Unpooled.wrappedBuffer(bytes))).syncUninterruptibly();
        }

        /** Half-closes: the server reads the end of this stream. */
        public void close() {
            var fin = new DefaultSpdyDataFrame(id);
            fin.setLast(true);
            channel.writeAndFlush(fin).syncUninterruptibly();
        }
    }

    /** The response to the upgrade request: its status and, if 101, the connected client. */
    record Upgrade(int status, String body, SpdyClient client) {
    }

    private SpdyClient(Channel channel, String protocol) {
        this.channel = channel;
        this.protocol = protocol;
    }

    String protocol() {
        return protocol;
    }

    /** Connects and upgrades; fails unless the server switches protocols. */
    public static SpdyClient connect(String url, List<String> protocols) throws Exception {
        var upgrade = upgrade(url, protocols);
        if (upgrade.client() == null) {
            throw new AssertionError("upgrade refused: " + upgrade.status() + " " + upgrade.body());
        }
        return upgrade.client();
    }

    static Upgrade upgrade(String url, List<String> protocols) throws Exception {
        var uri = URI.create(url);
        var tls = uri.getScheme().equals("https") ? SslContextBuilder.forClient().trustManager(InsecureTrustManagerFactory.INSTANCE).build() : null;
        var response = new CompletableFuture<FullHttpResponse>();
        var holder = new SpdyClient[1];
        var channel = new Bootstrap().group(GROUP).channel(NioSocketChannel.class).handler(new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel ch) {
                if (tls != null) {
                    ch.pipeline().addLast(tls.newHandler(ch.alloc(), uri.getHost(), uri.getPort()));
                }
                ch.pipeline().addLast("http", new HttpClientCodec());
                ch.pipeline().addLast("aggregate", new HttpObjectAggregator(1 << 16));
                ch.pipeline().addLast("upgrade", new SimpleChannelInboundHandler<FullHttpResponse>() {
                    @Override
                    protected void channelRead0(ChannelHandlerContext ctx, FullHttpResponse msg) {
                        if (msg.status().code() == 101) {
                            var client = new SpdyClient(ctx.channel(), msg.headers().get("X-Stream-Protocol-Version", ""));
                            holder[0] = client;
                            ctx.pipeline().addAfter("http", "spdy", new SpdyFrameCodec(SpdyVersion.SPDY_3_1));
                            ctx.pipeline().addAfter("spdy", "frames", client.new Frames());
                            ctx.pipeline().remove("aggregate");
                            ctx.pipeline().remove(this);
                            ctx.pipeline().remove("http");
                        }
                        response.complete(msg.retain());
                    }
                });
            }
        }).connect(uri.getHost(), uri.getPort()).sync().channel();
        var request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, uri.getRawPath());
        request.headers().set(HttpHeaderNames.HOST, uri.getHost() + ":" + uri.getPort())
                .set(HttpHeaderNames.CONNECTION, "Upgrade").set(HttpHeaderNames.UPGRADE, "SPDY/3.1")
                .set(HttpHeaderNames.CONTENT_LENGTH, 0);
        protocols.forEach(p -> request.headers().add("X-Stream-Protocol-Version", p));
        channel.writeAndFlush(request);
        var answer = response.get(30, TimeUnit.SECONDS);
        try {
            return new Upgrade(answer.status().code(), answer.content().toString(StandardCharsets.UTF_8), holder[0]);
        } finally {
            answer.release();
        }
    }

    /** Opens a stream with the given headers and waits for the server's reply. */
    public Stream open(Map<String, String> headers) throws Exception {
        int id = nextId.getAndAdd(2);
        var stream = new Stream(id);
        streams.put(id, stream);
        var syn = new DefaultSpdySynStreamFrame(id, 0, (byte) 0);
        headers.forEach((k, v) -> syn.headers().add(k, v));
        channel.writeAndFlush(syn).sync();
        stream.replied.get(30, TimeUnit.SECONDS);
        return stream;
    }

    Stream open(String streamType) throws Exception {
        return open(Map.of("streamtype", streamType));
    }

    boolean isOpen() {
        return channel.isActive();
    }

    /** Waits until the server closes the connection. */
    boolean awaitClosed(long seconds) {
        return channel.closeFuture().awaitUninterruptibly(seconds, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        channel.close().syncUninterruptibly();
    }

    private final class Frames extends SimpleChannelInboundHandler<Object> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, Object msg) {
            switch (msg) {
                case SpdySynReplyFrame reply -> {
                    var stream = streams.get(reply.streamId());
                    if (stream != null) {
                        stream.replied.complete(null);
                    }
                }
                case SpdyDataFrame data -> {
                    var stream = streams.get(data.streamId());
                    if (stream != null) {
                        stream.received.add(ByteBufUtil.getBytes(data.content()));
                        if (data.isLast()) {
                            stream.received.end();
                        }
                    }
                }
                case SpdyRstStreamFrame reset -> {
                    var stream = streams.get(reset.streamId());
                    if (stream != null) {
                        stream.received.end();
                    }
                }
                default -> {
                }
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            streams.values().forEach(s -> s.received.end());
        }
    }
}
