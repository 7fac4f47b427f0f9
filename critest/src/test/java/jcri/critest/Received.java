package jcri.critest;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** Bytes a streaming client received on one stream or channel, in order, and whether the stream ended. */
public final class Received {
    private static final byte[] END = new byte[0];
    private final LinkedBlockingQueue<byte[]> chunks = new LinkedBlockingQueue<>();
    private final ByteArrayOutputStream seen = new ByteArrayOutputStream();
    private boolean ended;

    void add(byte[] bytes) {
        if (bytes.length > 0) {
            chunks.add(bytes);
        }
    }

    void end() {
        chunks.add(END);
    }

    /** Everything up to the stream's end; fails if it has not ended within {@code timeout}. */
    synchronized String untilEnd(Duration timeout) throws InterruptedException {
        awaitUntil(text -> false, timeout, true);
        return seen.toString(StandardCharsets.UTF_8);
    }

    /** Waits until what came so far satisfies {@code done}; fails after {@code timeout}. */
    synchronized String until(Predicate<String> done, Duration timeout) throws InterruptedException {
        awaitUntil(done, timeout, false);
        return seen.toString(StandardCharsets.UTF_8);
    }

    /** Counts bytes until the end without keeping them (for large transfers). */
    public long countUntilEnd(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        long total = 0;
        while (true) {
            var chunk = chunks.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (chunk == null) {
                throw new AssertionError("stream did not end within " + timeout + " (" + total + " bytes so far)");
            }
            if (chunk == END) {
                return total;
            }
            total += chunk.length;
        }
    }

    /** The bytes taken so far by {@link #until} or {@link #untilEnd}. */
    synchronized byte[] bytes() {
        return seen.toByteArray();
    }

    private void awaitUntil(Predicate<String> done, Duration timeout, boolean toEnd) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!done.test(seen.toString(StandardCharsets.UTF_8))) {
            if (ended) {
                if (toEnd) {
                    return;
                }
                throw new AssertionError("stream ended before the expected output; got: " + seen.toString(StandardCharsets.UTF_8));
            }
            var chunk = chunks.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (chunk == null) {
                throw new AssertionError("no " + (toEnd ? "end of stream" : "expected output") + " within " + timeout
                        + "; got: " + seen.toString(StandardCharsets.UTF_8));
            }
            if (chunk == END) {
                ended = true;
            } else {
                seen.writeBytes(chunk);
            }
        }
    }
}
