package jcri.runtime.container;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Splits a CRI-format log as conmon writes it (records {@code <time> <stream> <P|F> <content>\n}, {@code F} ending a
 * line of output, {@code P} a part of one) back into the bytes the command wrote to stdout and stderr, byte for byte
 * (binary output, carriage returns), keeping at most {@code limit} bytes of both together and reading no further.
 * Lines that are no such record are skipped.
 */
final class CriLogReader {
    /** A record header longer than this is no record (conmon's are about 40 bytes). */
    private static final int MAX_HEADER = 256;
    private static final byte[] NEWLINE = {'\n'};

    /** What the log held, cut at the limit; {@code truncated} when it held more. */
    record Output(byte[] stdout, byte[] stderr, boolean truncated) {
    }

    private enum State { HEADER, CONTENT, SKIP }

    private final ByteArrayOutputStream stdout = new ByteArrayOutputStream();
    private final ByteArrayOutputStream stderr = new ByteArrayOutputStream();
    private final ByteArrayOutputStream header = new ByteArrayOutputStream();
    private State state = State.HEADER;
    private int spaces;
    private ByteArrayOutputStream content;
    private boolean fullLine;
    private int room;
    private boolean truncated;

    private CriLogReader(int limit) {
        this.room = limit;
    }

    /** Reads {@code log}; a log that does not exist (the command wrote nothing) is empty output. */
    static Output read(Path log, int limit) throws IOException {
        try (var in = Files.newInputStream(log)) {
            return read(in, limit);
        } catch (NoSuchFileException e) {
            return new Output(new byte[0], new byte[0], false);
        }
    }

    static Output read(InputStream in, int limit) throws IOException {
        var reader = new CriLogReader(limit);
        var buffer = new byte[64 << 10];
        for (int n; !reader.truncated && (n = in.read(buffer)) >= 0; ) {
            reader.accept(buffer, n);
        }
        return new Output(reader.stdout.toByteArray(), reader.stderr.toByteArray(), reader.truncated);
    }

    private void accept(byte[] bytes, int length) {
        int i = 0;
        while (i < length && !truncated) {
            if (state == State.HEADER) {
                header(bytes[i++]);
                continue;
            }
            int end = i;
            while (end < length && bytes[end] != '\n') {
                end++;
            }
            if (state == State.CONTENT) {
                keep(bytes, i, end - i);
                if (end < length && fullLine) {
                    keep(NEWLINE, 0, 1);
                }
            }
            if (end < length) {
                state = State.HEADER;
            }
            i = end + 1;
        }
    }

    private void header(byte b) {
        if (b == '\n') { // a line that ended before its content: no record
            header.reset();
            spaces = 0;
        } else if (b == ' ' && ++spaces == 3) {
            var fields = header.toString(StandardCharsets.US_ASCII).split(" ", -1); // time, stream, tag
            content = fields[1].equals("stderr") ? stderr : stdout;
            fullLine = fields[2].equals("F");
            header.reset();
            spaces = 0;
            state = State.CONTENT;
        } else if (header.size() == MAX_HEADER) {
            header.reset();
            spaces = 0;
            state = State.SKIP;
        } else {
            header.write(b);
        }
    }

    private void keep(byte[] bytes, int offset, int length) {
        int kept = Math.min(length, room);
        content.write(bytes, offset, kept);
        room -= kept;
        truncated = kept < length;
    }
}
