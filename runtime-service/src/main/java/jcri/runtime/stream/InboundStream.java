package jcri.runtime.stream;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import java.io.InputStream;
import java.util.ArrayDeque;

/**
 * Bytes a client sends on one stream or channel, read by a session thread. Filled from the event
 * loop; when more than {@link #HIGH_WATER} bytes wait, the connection stops reading until the
 * reader has taken all but {@link #LOW_WATER}.
 */
final class InboundStream extends InputStream {
    static final int HIGH_WATER = 1 << 20;
    static final int LOW_WATER = 256 << 10;
    private final ReadGate gate;
    private final ArrayDeque<byte[]> queue = new ArrayDeque<>();
    private byte[] current;
    private int position;
    private int queued;
    private boolean ended;
    private boolean gateClosed;

    InboundStream(ReadGate gate) {
        this.gate = gate;
    }

    synchronized void offer(ByteBuf data) {
        if (ended || !data.isReadable()) {
            return;
        }
        var bytes = ByteBufUtil.getBytes(data);
        queue.add(bytes);
        queued += bytes.length;
        if (queued > HIGH_WATER && !gateClosed) {
            gateClosed = true;
            gate.close();
        }
        notifyAll();
    }

    /** The client will send no more: the reader sees end of stream once it has read what came. */
    synchronized void end() {
        ended = true;
        notifyAll();
    }

    /** Nobody will read: drops what waits and what comes. */
    synchronized void discard() {
        ended = true;
        queue.clear();
        current = null;
        queued = 0;
        openGate();
        notifyAll();
    }

    @Override
    public int read() {
        var one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public synchronized int read(byte[] buffer, int offset, int length) {
        if (length == 0) {
            return 0;
        }
        while (current == null || position == current.length) {
            current = queue.poll();
            position = 0;
            if (current != null) {
                queued -= current.length;
                if (queued < LOW_WATER) {
                    openGate();
                }
            } else if (ended) {
                return -1;
            } else {
                try {
                    wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return -1;
                }
            }
        }
        int n = Math.min(length, current.length - position);
        System.arraycopy(current, position, buffer, offset, n);
        position += n;
        return n;
    }

    private void openGate() {
        if (gateClosed) {
            gateClosed = false;
            gate.open();
        }
    }
}
