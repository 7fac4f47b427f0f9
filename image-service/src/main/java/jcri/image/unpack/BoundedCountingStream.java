package jcri.image.unpack;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.security.MessageDigest;

/**
 * Hashes and counts the uncompressed bytes of a layer as they are read, and stops the read as soon
 * as they pass {@code limit} (a decompression bomb fails after at most {@code limit} bytes).
 */
final class BoundedCountingStream extends FilterInputStream {
    private final MessageDigest digest;
    private final long limit;
    private final String why;
    private long count;

    BoundedCountingStream(InputStream in, MessageDigest digest, long limit, String why) {
        super(in);
        this.digest = digest;
        this.limit = limit;
        this.why = why;
    }

    @Override
    public int read() throws IOException {
        int b = super.read();
        if (b >= 0) {
            digest.update((byte) b);
            advance(1);
        }
        return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        int n = super.read(buffer, offset, length);
        if (n > 0) {
            digest.update(buffer, offset, n);
            advance(n);
        }
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        var buffer = new byte[8192];
        long skipped = 0;
        while (skipped < n) {
            int r = read(buffer, 0, (int) Math.min(buffer.length, n - skipped));
            if (r < 0) {
                break;
            }
            skipped += r;
        }
        return skipped;
    }

    private void advance(int n) throws InterruptedIOException {
        if (Thread.currentThread().isInterrupted()) {
            throw new InterruptedIOException("layer unpack interrupted");
        }
        count += n;
        if (count > limit) {
            throw new LayerRejectedException(why);
        }
    }

    long count() {
        return count;
    }

    /** Reads to the end, so the digest covers the whole stream (tar padding included). */
    void drain() throws IOException {
        var buffer = new byte[65536];
        while (read(buffer, 0, buffer.length) >= 0) {
            // counted and hashed by read
        }
    }
}
