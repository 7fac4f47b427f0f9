package jcri.linux;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** FIFOs: made fresh and held open, or written to without ever blocking on a missing reader. */
public final class Fifos {
    /** errno when a FIFO has no reader. */
    public static final int ENXIO = 6;

    private Fifos() {
    }

    /**
     * Makes a new FIFO at {@code path} (replacing whatever is there, mode 0600) and opens it for
     * reading and writing, so that neither this open nor the other side's ever waits for a peer.
     */
    public static FileChannel openFresh(Path path) throws IOException {
        Files.deleteIfExists(path);
        LinuxCalls.mknod(path.toString(), LinuxCalls.S_IFIFO | 0600, 0);
        return FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE);
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
