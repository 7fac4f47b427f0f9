package jcri.runtime.container;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import jcri.linux.Fifos;

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
        this.channel = Fifos.openFresh(fifo);
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
