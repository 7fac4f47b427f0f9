package jcri.runtime.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.spdy.DefaultSpdySynStreamFrame;
import io.netty.handler.codec.spdy.SpdyRstStreamFrame;
import io.netty.handler.codec.spdy.SpdySynReplyFrame;
import io.netty.util.ReferenceCountUtil;
import org.junit.jupiter.api.Test;

/** The stream table of one SPDY connection: bounded, and emptied as streams end. */
class SpdyConnectionTest {
    private static DefaultSpdySynStreamFrame syn(int id, boolean last) {
        var frame = new DefaultSpdySynStreamFrame(id, 0, (byte) 0);
        frame.headers().set("streamtype", "data");
        frame.setLast(last);
        return frame;
    }

    /** Reads the outbound frames, failing on none; returns the last. */
    private static Object drain(EmbeddedChannel channel) {
        Object last = null;
        for (Object frame; (frame = channel.readOutbound()) != null; ) {
            ReferenceCountUtil.release(last);
            last = frame;
        }
        return last;
    }

    @Test
    void streamsEndedBothWaysAreForgotten() {
        var connection = new SpdyConnection(new SpdyConnection.Acceptor() {
            @Override
            public void accept(SpdyConnection.SpdyStream stream) {
                stream.out().close(); // the server's half ends at once
            }

            @Override
            public void closed() {
            }
        });
        var channel = new EmbeddedChannel(connection);
        for (int id = 1; id < 2 * (SpdyConnection.MAX_OPEN_STREAMS + 500); id += 2) {
            channel.writeInbound(syn(id, true)); // the client's half ends with its SYN_STREAM
            drain(channel);
        }
        assertEquals(0, connection.openStreams());
        channel.finishAndReleaseAll();
    }

    @Test
    void streamsPastTheLimitAreRefused() {
        var connection = new SpdyConnection(new SpdyConnection.Acceptor() {
            @Override
            public void accept(SpdyConnection.SpdyStream stream) {
            }

            @Override
            public void closed() {
            }
        });
        var channel = new EmbeddedChannel(connection);
        int id = 1;
        for (int i = 0; i < SpdyConnection.MAX_OPEN_STREAMS; i++, id += 2) {
            channel.writeInbound(syn(id, false));
            assertInstanceOf(SpdySynReplyFrame.class, drain(channel));
        }
        channel.writeInbound(syn(id, false));
        var refused = assertInstanceOf(SpdyRstStreamFrame.class, drain(channel));
        assertEquals(id, refused.streamId());
        assertEquals(3, refused.status().code()); // REFUSED_STREAM
        assertEquals(SpdyConnection.MAX_OPEN_STREAMS, connection.openStreams());
        assertNull(channel.readOutbound());
        channel.finishAndReleaseAll();
    }
}
