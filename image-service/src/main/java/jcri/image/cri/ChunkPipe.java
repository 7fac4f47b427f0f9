package jcri.image.cri;

import com.google.protobuf.ByteString;
import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The chunks of a client stream as an {@link InputStream}: the gRPC side {@link #put}s each chunk (waiting while
 * {@link #CAPACITY} are unread, which holds back the client), the reader reads them in order. Once the reader
 * {@link #close}s, chunks are dropped; a client that fails or cancels makes the next read fail.
 */
final class ChunkPipe extends InputStream {
    static final int CAPACITY = 32;
    private static final ByteString END = ByteString.copyFromUtf8("end");
    private static final ByteString FAILED = ByteString.copyFromUtf8("failed");

    private final BlockingQueue<ByteString> chunks = new ArrayBlockingQueue<>(CAPACITY);
    private volatile boolean closed;
    private InputStream current = InputStream.nullInputStream();
    private boolean ended;

    /** Hands on the next chunk; waits while the reader is behind. */
    void put(ByteString chunk) throws InterruptedException {
        if (!chunk.isEmpty()) {
            offer(chunk);
        }
    }

    /** The stream ended normally. */
    void end() throws InterruptedException {
        offer(END);
    }

    /** The client failed or cancelled. */
    void fail() throws InterruptedException {
        offer(FAILED);
    }

    private void offer(ByteString chunk) throws InterruptedException {
        while (!closed) {
            if (chunks.offer(chunk, 100, TimeUnit.MILLISECONDS)) {
                return;
            }
        }
    }

    @Override
    public int read() throws IOException {
        var one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        if (length == 0) {
            return 0;
        }
        while (!ended) {
            int n = current.read(buffer, offset, length);
            if (n > 0) {
                return n;
            }
            ByteString next;
            try {
                next = chunks.take();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while waiting for the client's next chunk", e);
            }
            if (next == FAILED) {
                throw new IOException("the client stopped sending before the end of the archive");
            }
            if (next == END) {
                ended = true;
            } else {
                current = next.newInput();
            }
        }
        return -1;
    }

    @Override
    public void close() {
        closed = true;
        chunks.clear();
    }
}
