package jcri.runtime.stream;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.spdy.DefaultSpdyDataFrame;
import io.netty.handler.codec.spdy.DefaultSpdyGoAwayFrame;
import io.netty.handler.codec.spdy.DefaultSpdyRstStreamFrame;
import io.netty.handler.codec.spdy.DefaultSpdySynReplyFrame;
import io.netty.handler.codec.spdy.SpdyDataFrame;
import io.netty.handler.codec.spdy.SpdyGoAwayFrame;
import io.netty.handler.codec.spdy.SpdyHeaders;
import io.netty.handler.codec.spdy.SpdyPingFrame;
import io.netty.handler.codec.spdy.SpdyRstStreamFrame;
import io.netty.handler.codec.spdy.SpdySynStreamFrame;
import io.netty.util.ReferenceCountUtil;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The server side of a SPDY/3.1 connection as Kubernetes streaming clients use it, on Netty's
 * SPDY frame codec: the client opens streams (each answered at once with SYN_REPLY), data flows
 * both ways, pings are echoed. A stream is forgotten once both directions have ended or it is reset,
 * and at most {@link #MAX_OPEN_STREAMS} are open at once. Flow-control windows are not enforced in either direction, since
 * the Go clients never send WINDOW_UPDATE; the connection's TCP back-pressure stands in for them.
 */
final class SpdyConnection extends ChannelInboundHandlerAdapter {
    /** Seconds to wait, after GOAWAY, for the client to close before jcrid does. */
    private static final long CLOSE_GRACE_SECONDS = 5;
    /**
     * Streams open at once on one connection; more are refused. An exec or attach needs five, a
     * port-forward two per forwarded connection: this leaves room for 500 forwarded connections.
     */
    static final int MAX_OPEN_STREAMS = 1000;
    /** SPDY/3.1's RST_STREAM status for a stream the server will not take. */
    private static final int REFUSED_STREAM = 3;
    private final Acceptor acceptor;
    private final Map<Integer, SpdyStream> streams = new ConcurrentHashMap<>();
    /** Per open stream, how many of its two directions have not ended yet; at zero it is forgotten. */
    private final Map<Integer, AtomicInteger> openHalves = new ConcurrentHashMap<>();
    private ReadGate gate;
    private ChannelHandlerContext context;
    private int lastStreamId;

    /** What the connection is for: it is handed each stream the client opens. */
    interface Acceptor {
        void accept(SpdyStream stream);

        /** The client's connection is gone. */
        void closed();
    }

    /** One client-opened stream: its headers, what the client sends and what goes back. */
    record SpdyStream(int id, String type, SpdyHeaders headers, InboundStream in, OutboundStream out) {
        String header(String name) {
            var value = headers.getAsString(name);
            return value == null ? "" : value;
        }
    }

    SpdyConnection(Acceptor acceptor) {
        this.acceptor = acceptor;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        context = ctx;
        gate = new ReadGate(ctx.channel());
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            switch (msg) {
                case SpdySynStreamFrame syn -> open(ctx, syn);
                case SpdyDataFrame data -> {
                    var stream = streams.get(data.streamId());
                    if (stream != null) {
                        stream.in().offer(data.content());
                        if (data.isLast()) {
                            stream.in().end();
                            halfEnded(data.streamId());
                        }
                    }
                }
                case SpdyRstStreamFrame reset -> {
                    var stream = streams.remove(reset.streamId());
                    openHalves.remove(reset.streamId());
                    if (stream != null) {
                        stream.in().end();
                    }
                }
                case SpdyPingFrame ping -> {
                    if ((ping.id() & 1) == 1) { // the client's own ping: echo it
                        ctx.writeAndFlush(ping);
                        return;
                    }
                }
                case SpdyGoAwayFrame ignored -> {
                    // the client is done; it closes the connection once its streams have ended
                }
                default -> {
                    // SETTINGS, WINDOW_UPDATE, HEADERS: nothing to do for these streams
                }
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    private void open(ChannelHandlerContext ctx, SpdySynStreamFrame syn) {
        int id = syn.streamId();
        lastStreamId = Math.max(lastStreamId, id);
        if (streams.size() >= MAX_OPEN_STREAMS || streams.containsKey(id)) {
            ctx.writeAndFlush(new DefaultSpdyRstStreamFrame(id, REFUSED_STREAM));
            return;
        }
        var out = new OutboundStream(ctx.channel(), buf -> new DefaultSpdyDataFrame(id, buf), () -> {
            halfEnded(id);
            var end = new DefaultSpdyDataFrame(id);
            end.setLast(true);
            return end;
        });
        var headers = syn.headers();
        var stream = new SpdyStream(id, headers.getAsString("streamtype"), headers, new InboundStream(gate), out);
        openHalves.put(id, new AtomicInteger(2));
        streams.put(id, stream);
        ctx.writeAndFlush(reply(id, stream.type()));
        if (syn.isLast()) {
            stream.in().end();
            halfEnded(id);
        }
        acceptor.accept(stream);
    }

    /** One direction of stream {@code id} has ended; once both have, the connection forgets the stream. */
    private void halfEnded(int id) {
        var halves = openHalves.get(id);
        if (halves != null && halves.decrementAndGet() == 0) {
            openHalves.remove(id);
            streams.remove(id);
        }
    }

    /** Streams the connection holds now (for tests). */
    int openStreams() {
        return streams.size();
    }

    /**
     * The SYN_REPLY accepting a stream, naming its type. Never without headers: Netty encodes an empty
     * header block as no bytes at all, while moby's spdystream (under client-go, so under crictl and
     * the kubelet) always inflates the block for its header count, fails on the missing bytes, drops
     * the connection, and the client's stream creation times out.
     */
    static DefaultSpdySynReplyFrame reply(int id, String type) {
        var reply = new DefaultSpdySynReplyFrame(id);
        reply.headers().set("streamtype", type == null || type.isEmpty() ? "unknown" : type);
        return reply;
    }

    /** Says the session is over: GOAWAY now, and the connection closed if the client has not closed it soon. */
    void finish() {
        var channel = context.channel();
        if (channel.isActive()) {
            channel.writeAndFlush(new DefaultSpdyGoAwayFrame(lastStreamId));
            channel.eventLoop().schedule(() -> channel.close(), CLOSE_GRACE_SECONDS, TimeUnit.SECONDS);
        }
    }

    /** Closes the connection now. */
    void abort() {
        context.channel().close();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        streams.values().forEach(s -> s.in().discard());
        streams.clear();
        openHalves.clear();
        acceptor.closed();
        ctx.fireChannelInactive();
    }
}
