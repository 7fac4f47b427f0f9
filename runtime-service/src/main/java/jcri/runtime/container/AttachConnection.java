package jcri.runtime.container;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import jcri.linux.SeqPacketSocket;

/**
 * A connection to conmon's attach socket: each packet from conmon is one byte naming the stream
 * (2 stdout, 3 stderr) followed by the bytes read from it; each packet to conmon is stdin data,
 * and end of stream on our side closes the process's stdin unless conmon was told to leave it
 * open. conmon closes the socket when the process has ended and its output is drained.
 */
public final class AttachConnection implements AutoCloseable {
    private static final int STDOUT = 2;
    private static final int STDERR = 3;
    /** conmon reads stdin packets into 8 KiB buffers and drops the rest of a longer packet. */
    private static final int MAX_STDIN_PACKET = 8192;
    private final SeqPacketSocket socket;

    private AttachConnection(SeqPacketSocket socket) {
        this.socket = socket;
    }

    public static AttachConnection open(Path socket) throws IOException {
        return new AttachConnection(SeqPacketSocket.connect(socket.toString()));
    }

    /**
     * Copies the process's output to {@code stdout} and {@code stderr} (either may be null to drop
     * that stream) until conmon closes the socket or {@link #close} is called. Blocks: run it on a
     * platform thread.
     */
    public void copyOutput(OutputStream stdout, OutputStream stderr) throws IOException {
        var packet = new byte[64 * 1024];
        int n;
        while ((n = socket.receive(packet)) > 0) {
            var target = switch (packet[0]) {
                case STDOUT -> stdout;
                case STDERR -> stderr;
                default -> null;
            };
            if (target != null && n > 1) {
                target.write(packet, 1, n - 1);
                target.flush();
            }
        }
    }

    /** Sends bytes to the process's stdin. */
    public void writeStdin(byte[] bytes, int offset, int length) throws IOException {
        for (int done = 0; done < length; done += MAX_STDIN_PACKET) {
            socket.send(bytes, offset + done, Math.min(MAX_STDIN_PACKET, length - done));
        }
    }

    /** Ends this connection's input; conmon then closes the process's stdin if it was started with stdin_once. */
    public void closeStdin() throws IOException {
        socket.shutdownOutput();
    }

    @Override
    public void close() {
        socket.close();
    }
}
