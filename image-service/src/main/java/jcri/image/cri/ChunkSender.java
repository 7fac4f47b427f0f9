package jcri.image.cri;

import com.google.protobuf.ByteString;
import io.grpc.stub.ServerCallStreamObserver;
import java.io.IOException;
import java.io.OutputStream;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;

/**
 * An {@link OutputStream} that sends what is written as messages of up to {@link #CHUNK} bytes on a server stream,
 * each once the client is ready for it (so a slow client holds back the writer, not the heap); a cancelled call
 * makes writes fail.
 */
final class ChunkSender<T> extends OutputStream {
    static final int CHUNK = 64 << 10;

    private final ServerCallStreamObserver<T> observer;
    private final Function<ByteString, T> message;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition ready = lock.newCondition();
    private final byte[] buffer = new byte[CHUNK];
    private int filled;
    private volatile boolean cancelled;

    ChunkSender(ServerCallStreamObserver<T> observer, Function<ByteString, T> message) {
        this.observer = observer;
        this.message = message;
        observer.setOnReadyHandler(this::signal);
        observer.setOnCancelHandler(() -> {
            cancelled = true;
            signal();
        });
    }

    private void signal() {
        lock.lock();
        try {
            ready.signalAll();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
        while (length > 0) {
            int n = Math.min(length, CHUNK - filled);
            System.arraycopy(bytes, offset, buffer, filled, n);
            filled += n;
            offset += n;
            length -= n;
            if (filled == CHUNK) {
                flush();
            }
        }
    }

    @Override
    public void flush() throws IOException {
        if (filled == 0) {
            return;
        }
        lock.lock();
        try {
            while (!observer.isReady() && !cancelled) {
                ready.await(1, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while the client was not ready", e);
        } finally {
            lock.unlock();
        }
        if (cancelled) {
            throw new IOException("the client cancelled the call");
        }
        observer.onNext(message.apply(ByteString.copyFrom(buffer, 0, filled)));
        filled = 0;
    }
}
