package jcri.linux;

import java.nio.charset.StandardCharsets;

/** Writing to a FIFO without ever blocking on a missing reader. */
public final class Fifos {
    /** errno when a FIFO has no reader. */
    public static final int ENXIO = 6;

    private Fifos() {
    }

    /**
     * Writes {@code line} to the FIFO at {@code path}; if nobody has it open for reading the call
     * fails at once with {@link #ENXIO} instead of waiting for a reader that may never come.
     */
    public static void writeLine(String path, String line) throws ErrnoException {
        int fd = Descriptors.open(path, Descriptors.O_WRONLY | Descriptors.O_NONBLOCK | Descriptors.O_CLOEXEC);
        try {
            var bytes = line.getBytes(StandardCharsets.US_ASCII);
            Descriptors.write(fd, bytes, 0, bytes.length, path);
        } finally {
            Descriptors.close(fd);
        }
    }
}
