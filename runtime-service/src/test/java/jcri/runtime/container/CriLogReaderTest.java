package jcri.runtime.container;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CriLogReaderTest {
    private static final String TIME = "2026-12-07T22:45:38.123456789+00:00";

    private static byte[] log(String text) {
        return text.replace("@", TIME).getBytes(StandardCharsets.ISO_8859_1);
    }

    private static CriLogReader.Output read(byte[] log, int limit) throws IOException {
        return CriLogReader.read(new ByteArrayInputStream(log), limit);
    }

    private static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.ISO_8859_1);
    }

    @Test
    void splitsTheStreamsAndJoinsPartialLines() throws IOException {
        var out = read(log("@ stdout P ab\n@ stderr F e\n@ stdout F cd\n@ stdout F \n"), 100);
        assertEquals("abcd\n\n", text(out.stdout()));
        assertEquals("e\n", text(out.stderr()));
        assertFalse(out.truncated());
    }

    @Test
    void keepsBinaryOutputAndCarriageReturnsByteForByte() throws IOException {
        var out = read(log("@ stdout P \u0000\u00ff\u00fe\r\u00c3(\n@ stdout F a\rb\n"), 100);
        assertEquals("\u0000\u00ff\u00fe\r\u00c3(a\rb\n", text(out.stdout()));
    }

    @Test
    void cutsBothStreamsTogetherAtTheLimit() throws IOException {
        var out = read(log("@ stdout F 12345\n@ stderr F 67890\n@ stdout F x\n"), 8);
        assertEquals("12345\n", text(out.stdout()));
        assertEquals("67", text(out.stderr()));
        assertTrue(out.truncated());
    }

    @Test
    void outputOfExactlyTheLimitIsNotTruncated() throws IOException {
        var out = read(log("@ stdout F 1234\n"), 5);
        assertEquals("1234\n", text(out.stdout()));
        assertFalse(out.truncated());
    }

    @Test
    void anEndlessLogIsReadOnlyUpToTheLimit() throws IOException {
        var record = log("@ stdout F y\n");
        var endless = new InputStream() {
            long served;

            @Override
            public int read() {
                return record[(int) (served++ % record.length)] & 0xff;
            }
        };
        var out = CriLogReader.read(endless, 1 << 20);
        assertEquals(1 << 20, out.stdout().length);
        assertTrue(out.truncated());
        assertTrue(endless.served < 40L << 20, "read " + endless.served + " bytes of log");
    }

    @Test
    void recordsSplitAcrossReadsAreReadWhole() throws IOException {
        var content = "z".repeat(200_000);
        var bytes = log("@ stderr P " + content + "\n@ stdout F ok\n@ stderr F !\n");
        var trickle = new InputStream() {
            int next;

            @Override
            public int read() {
                return next < bytes.length ? bytes[next++] & 0xff : -1;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (next == bytes.length) {
                    return -1;
                }
                b[off] = bytes[next++]; // one byte a read, headers and contents cut everywhere
                return 1;
            }
        };
        var out = CriLogReader.read(trickle, 1 << 20);
        assertEquals("ok\n", text(out.stdout()));
        assertEquals(content + "!\n", text(out.stderr()));
    }

    @Test
    void linesThatAreNoRecordAreSkipped() throws IOException {
        var out = read(log("garbage\n@ stdout\n" + "h".repeat(1000) + " stdout F lost\n\n@ stdout F kept\n"), 100);
        assertEquals("kept\n", text(out.stdout()));
        assertEquals("", text(out.stderr()));
    }

    @Test
    void aLastRecordWithoutItsNewlineIsKept() throws IOException {
        assertEquals("tail", text(read(log("@ stdout P tail"), 100).stdout()));
    }

    @Test
    void aMissingLogIsEmptyOutput(@TempDir Path dir) throws IOException {
        var out = CriLogReader.read(dir.resolve("output.log"), 100);
        assertEquals(0, out.stdout().length + out.stderr().length);
        assertFalse(out.truncated());
    }

    @Test
    void aLargeLogIsReadInChunks() throws IOException {
        var log = new ByteArrayOutputStream();
        var expected = new ByteArrayOutputStream();
        for (int i = 0; i < 10_000; i++) {
            var line = "line " + i + " " + "x".repeat(i % 97);
            log.writeBytes(log("@ stdout F " + line + "\n"));
            expected.writeBytes((line + "\n").getBytes(StandardCharsets.US_ASCII));
        }
        assertArrayEquals(expected.toByteArray(), read(log.toByteArray(), 1 << 20).stdout());
    }
}
