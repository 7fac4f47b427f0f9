package jcri.runtime.container;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import jcri.linux.LinuxCalls;

/**
 * conmon's start pipe: a FIFO conmon reads, waiting on each write from jcrid before the next step
 * of an attached exec. jcrid opens it for reading too, so conmon's open does not wait, but never
 * reads from it.
 */
final class StartPipe implements AutoCloseable {
    private final Path fifo;
    private final FileChannel channel;

    StartPipe(Path fifo) throws IOException {
        this.fifo = fifo;
        Files.deleteIfExists(fifo);
        LinuxCalls.mknod(fifo.toString(), LinuxCalls.S_IFIFO | 0600, 0);
        this.channel = FileChannel.open(fifo, StandardOpenOption.READ, StandardOpenOption.WRITE);
    }

    Path path() {
        return fifo;
    }

    /** Lets conmon go on to its next step. */
    void release() throws IOException {
        channel.write(ByteBuffer.wrap(new byte[] {'1'}));
    }

    @Override
    public void close() throws IOException {
        channel.close();
        Files.deleteIfExists(fifo);
    }
}
