package jcri.runtime.container;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.OptionalInt;
import jcri.linux.Fifos;

/**
 * An interactive connection to a process in a container: an exec session's command or the
 * container's main process (attach). Closing it ends an exec session's command, never the
 * container's main process.
 */
public final class StdioSession implements AutoCloseable {
    private final AttachConnection io;
    private final Path controlFifo;
    private final Ending ending;

    /** What closing the session does besides closing its connection, and how an exec session's exit is awaited. */
    interface Ending extends AutoCloseable {
        OptionalInt awaitExit(Duration timeout) throws InterruptedException;

        @Override
        void close() throws IOException;
    }

    StdioSession(AttachConnection io, Path controlFifo, Ending ending) {
        this.io = io;
        this.controlFifo = controlFifo;
        this.ending = ending;
    }

    public AttachConnection io() {
        return io;
    }

    /** Sets the terminal size (ignored by conmon when the process has no terminal). */
    public void resize(int width, int height) throws IOException {
        Fifos.writeLine(controlFifo.toString(), "1 " + clamp(height) + " " + clamp(width) + "\n");
    }

    private static int clamp(int size) {
        return Math.clamp(size, 0, 1000); // conmon refuses sizes outside 0–1000
    }

    /** The exec command's exit code, or empty if it is still running after {@code timeout} (always empty for attach). */
    public OptionalInt awaitExit(Duration timeout) throws InterruptedException {
        return ending.awaitExit(timeout);
    }

    @Override
    public void close() throws IOException {
        io.close();
        ending.close();
    }
}
