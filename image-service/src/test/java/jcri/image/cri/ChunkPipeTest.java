package jcri.image.cri;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.google.protobuf.ByteString;
import java.io.IOException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ChunkPipeTest {
    @Test
    void readsTheChunksInOrderThenTheEnd() throws Exception {
        var pipe = new ChunkPipe();
        var writer = Thread.ofVirtual().start(() -> {
            try {
                for (int i = 0; i < 3 * ChunkPipe.CAPACITY; i++) {
                    pipe.put(ByteString.copyFrom(new byte[] {(byte) i, (byte) i}));
                }
                pipe.put(ByteString.EMPTY);
                pipe.end();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        var expected = new byte[6 * ChunkPipe.CAPACITY];
        for (int i = 0; i < expected.length; i++) {
            expected[i] = (byte) (i / 2);
        }
        assertArrayEquals(expected, pipe.readAllBytes());
        writer.join();
    }

    @Test
    void aClientThatFailsFailsTheRead() throws Exception {
        var pipe = new ChunkPipe();
        pipe.put(ByteString.copyFromUtf8("part"));
        pipe.fail();
        assertThrows(IOException.class, pipe::readAllBytes);
    }

    @Test
    void aClosedPipeDropsChunksInsteadOfWaiting() {
        var pipe = new ChunkPipe();
        pipe.close();
        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
            for (int i = 0; i < 2 * ChunkPipe.CAPACITY; i++) {
                pipe.put(ByteString.copyFromUtf8("dropped"));
            }
            pipe.end();
        });
    }
}
