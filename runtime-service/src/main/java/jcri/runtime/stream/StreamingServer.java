package jcri.runtime.stream;

import io.micrometer.core.instrument.MeterRegistry;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import java.io.File;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;
import jcri.runtime.container.ContainerAttach;
import jcri.runtime.container.ContainerExec;
import jcri.runtime.sandbox.PodDialer;

/**
 * jcri's streaming server (HTTP on Netty, TLS when configured): Exec, Attach and PortForward hand
 * out URLs on it, each with a single-use token, and the client connects there with SPDY/3.1 or
 * WebSocket. A stream with no traffic for the idle timeout is closed.
 */
public final class StreamingServer implements AutoCloseable {
    private final EventLoopGroup group;
    private final Channel listener;
    private final StreamTokens tokens;
    private final String baseUrl;
    private final SessionGauge gauge;

    private StreamingServer(EventLoopGroup group, Channel listener, StreamTokens tokens, String baseUrl, SessionGauge gauge) {
        this.group = group;
        this.listener = listener;
        this.tokens = tokens;
        this.baseUrl = baseUrl;
        this.gauge = gauge;
    }

    public static StreamingServer start(StreamingConfig config, ContainerExec exec, ContainerAttach attach, PodDialer dialer,
                                        MeterRegistry registry) throws IOException {
        var tls = config.tlsCert().isEmpty() ? null : tlsContext(config);
        var tokens = new StreamTokens(Duration.ofSeconds(config.tokenTtlSeconds()), Clock.systemUTC());
        var gauge = new SessionGauge(registry);
        var sessions = new StreamSessions(new RemoteCommand(exec, attach, gauge), new PortForwarder(dialer, gauge));
        int idleSeconds = config.idleTimeoutSeconds();
        var group = new MultiThreadIoEventLoopGroup(2, Thread.ofPlatform().name("jcri-stream-", 0).daemon().factory(),
                NioIoHandler.newFactory());
        try {
            var address = InetAddress.getByName(config.address());
            var listener = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            var pipeline = ch.pipeline();
                            if (tls != null) {
                                pipeline.addLast("tls", tls.newHandler(ch.alloc()));
                            }
                            pipeline.addLast("idle", new IdleStateHandler(0, 0, idleSeconds, TimeUnit.SECONDS));
                            pipeline.addLast("idle-close", new IdleClose());
                            pipeline.addLast("http", new HttpServerCodec());
                            pipeline.addLast("aggregate", new HttpObjectAggregator(64 << 10));
                            pipeline.addLast("upgrade", new HttpUpgradeHandler(tokens, sessions, tls != null));
                        }
                    })
                    .bind(new InetSocketAddress(address, config.port())).syncUninterruptibly().channel();
            int port = ((InetSocketAddress) listener.localAddress()).getPort();
            return new StreamingServer(group, listener, tokens, (tls == null ? "http://" : "https://") + advertised(address) + ":" + port,
                    gauge);
        } catch (RuntimeException e) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw new IOException("cannot start the streaming server on " + config.address() + ":" + config.port() + ": " + e.getMessage(), e);
        }
    }

    private static SslContext tlsContext(StreamingConfig config) throws IOException {
        try {
            return SslContextBuilder.forServer(new File(config.tlsCert()), new File(config.tlsKey())).build();
        } catch (IllegalArgumentException | SSLException e) {
            throw new IOException("cannot load the streaming TLS certificate " + config.tlsCert() + " and key " + config.tlsKey()
                    + " (the key must be PKCS#8 PEM): " + e.getMessage(), e);
        }
    }

    /** The host part of URLs: a wildcard address is reached through loopback, where the kubelet runs. */
    private static String advertised(InetAddress address) throws IOException {
        if (address.isAnyLocalAddress()) {
            address = address instanceof Inet6Address ? InetAddress.getByName("::1") : InetAddress.getByName("127.0.0.1");
        }
        return address instanceof Inet6Address ? "[" + address.getHostAddress() + "]" : address.getHostAddress();
    }

    /** A URL that lets one client run {@code request}. */
    public String url(StreamRequest request) {
        return baseUrl + "/" + request.kind() + "/" + tokens.issue(request);
    }

    /** Counts a session served outside the streaming server (ExecSync) under {@code container_runtime_jcri_stream_sessions{kind}}. */
    public SessionGauge.Handle session(String kind) {
        return gauge.open(kind);
    }

    @Override
    public void close() {
        listener.close().syncUninterruptibly();
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS);
    }

    /** Closes a connection when its idle timer fires. */
    private static final class IdleClose extends ChannelDuplexHandler {
        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
            if (event instanceof IdleStateEvent) {
                ctx.close();
            } else {
                super.userEventTriggered(ctx, event);
            }
        }
    }
}
