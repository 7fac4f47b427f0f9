package jcri.runtime.stream;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import java.io.IOException;
import java.io.OutputStream;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Bytes jcrid sends to the client on one stream or channel, as frames of at most 32 KiB. A writer
 * waits while the connection's outbound buffer is full, so a slow client slows the process's
 * output instead of filling jcrid's memory. Written from session threads, never the event loop.
 */
final class OutboundStream extends OutputStream {
    private static final int MAX_FRAME = 32 << 10;
    private final Channel channel;
    private final Function<ByteBuf, Object> frame;
    private final Supplier<Object> end;
    private boolean closed;

    /** {@code end} makes the frame that tells the client this stream is over; null if the protocol has none. */
    OutboundStream(Channel channel, Function<ByteBuf, Object> frame, Supplier<Object> end) {
        this.channel = channel;
        this.frame = frame;
        this.end = end;
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public synchronized void write(byte[] bytes, int offset, int length) throws IOException {
        if (closed) {
            throw new IOException("stream closed");
        }
        for (int done = 0; done < length; ) {
            int n = Math.min(MAX_FRAME, length - done);
            var written = channel.writeAndFlush(frame.apply(Unpooled.copiedBuffer(bytes, offset + done, n)));
            done += n;
            if (!channel.isWritable()) {
                written.awaitUninterruptibly();
            }
            if (written.isDone() && !written.isSuccess()) {
                throw new IOException("client connection lost", written.cause());
            }
        }
    }

    /** Sends an empty message (a WebSocket client takes it as the sign the stream is open). */
    void writeEmpty() {
        channel.writeAndFlush(frame.apply(Unpooled.EMPTY_BUFFER));
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            if (end != null && channel.isActive()) {
                channel.writeAndFlush(end.get());
            }
        }
    }
}
