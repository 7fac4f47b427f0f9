package jcri.runtime.container;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import jcri.linux.Fifos;

/**
 * conmon's sync pipe: a FIFO that jcrid holds open while conmon writes JSON messages to it
 * ({@code {"data": pid}}, {@code {"data": -1, "message": …}}, and for exec sessions the exit code).
 * Read on a platform thread, since a FIFO read blocks in the kernel.
 */
final class SyncPipe implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Path fifo;
    private final FileChannel channel;
    private final LinkedBlockingQueue<JsonNode> messages = new LinkedBlockingQueue<>();
    private final Thread reader;

    SyncPipe(Path fifo) throws IOException {
        this.fifo = fifo;
        this.channel = Fifos.openFresh(fifo);
        this.reader = Thread.ofPlatform().daemon().name("conmon-sync").stackSize(128 * 1024).start(this::read);
    }

    Path path() {
        return fifo;
    }

    private void read() {
        try (var parser = JSON.getFactory().createParser(Channels.newInputStream(channel))) {
            while (parser.nextToken() != null) {
                messages.add(JSON.readTree(parser));
            }
        } catch (IOException closed) {
            // closed by close(), or conmon wrote something that is not JSON
        }
    }

    /** The next message, or null if none came within {@code timeout}. */
    JsonNode next(Duration timeout) throws InterruptedException {
        return messages.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() throws IOException {
        channel.close();
        try {
            reader.join(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Files.deleteIfExists(fifo);
    }
}
