package jcri.image.unpack;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import org.junit.jupiter.api.Test;

class BoundedCountingStreamTest {
    private static MessageDigest sha() throws NoSuchAlgorithmException {
        return MessageDigest.getInstance("SHA-256");
    }

    private static byte[] bytes(int n) {
        var b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) i;
        }
        return b;
    }

    @Test
    void singleReadsBulkReadsAndSkipsAreAllCountedAndHashed() throws Exception {
        var data = bytes(20_000);
        var digest = sha();
        try (var in = new BoundedCountingStream(new ByteArrayInputStream(data), digest, 20_000, "too big")) {
            in.read();
            in.read(new byte[100], 0, 100);
            assertEquals(10_000, in.skip(10_000));
            in.drain();
            assertEquals(20_000, in.count());
        }
        assertArrayEquals(sha().digest(data), digest.digest(), "skipped bytes are hashed too");
    }

    @Test
    void readingPastTheLimitFailsWithTheReasonGiven() throws Exception {
        try (var in = new BoundedCountingStream(new ByteArrayInputStream(bytes(101)), sha(), 100, "layer too big")) {
            in.read(new byte[100], 0, 100);
            var e = assertThrows(LayerRejectedException.class, in::read);
            assertEquals("layer too big", e.getMessage());
        }
    }

    @Test
    void skippingCannotGetPastTheLimit() throws Exception {
        try (var in = new BoundedCountingStream(new ByteArrayInputStream(bytes(5000)), sha(), 4096, "limit")) {
            assertThrows(LayerRejectedException.class, () -> in.skip(5000));
        }
    }

    @Test
    void anInterruptedThreadStopsTheUnpack() throws Exception {
        try (var in = new BoundedCountingStream(new ByteArrayInputStream(bytes(10)), sha(), 100, "limit")) {
            Thread.currentThread().interrupt();
            try {
                var e = assertThrows(InterruptedIOException.class, in::read);
                assertEquals("layer unpack interrupted", e.getMessage());
            } finally {
                Thread.interrupted();
            }
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
