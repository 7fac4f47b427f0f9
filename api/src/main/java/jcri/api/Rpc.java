package jcri.api;

import com.google.protobuf.MessageLite;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Function;

/** Runs a unary CRI handler body and completes the call with its result or a mapped status. */
public final class Rpc {
    private Rpc() {
    }

    public static <T> void unary(StreamObserver<T> observer, Callable<T> body) {
        T result;
        try {
            result = body.call();
        } catch (Throwable t) {
            observer.onError(toStatus(t).asRuntimeException());
            return;
        }
        observer.onNext(result);
        observer.onCompleted();
    }

    /** Largest batch a list stream sends in one message: well under the kubelet's 16 MiB limit. */
    static final int STREAM_BATCH_BYTES = 4 << 20;

    /**
     * Answers a {@code Stream*} list RPC: the items of the matching {@code List*} call, sent in
     * batches of at most {@link #STREAM_BATCH_BYTES}, so lists larger than one message still arrive.
     */
    public static <T extends MessageLite, R> void streamed(StreamObserver<R> observer, Callable<List<T>> items,
                                                                            Function<List<T>, R> batch) {
        List<T> all;
        try {
            all = items.call();
        } catch (Throwable t) {
            observer.onError(toStatus(t).asRuntimeException());
            return;
        }
        var current = new ArrayList<T>();
        long size = 0;
        for (var item : all) {
            int bytes = item.getSerializedSize() + 8;
            if (!current.isEmpty() && size + bytes > STREAM_BATCH_BYTES) {
                observer.onNext(batch.apply(current));
                current = new ArrayList<>();
                size = 0;
            }
            current.add(item);
            size += bytes;
        }
        if (!current.isEmpty()) {
            observer.onNext(batch.apply(current));
        }
        observer.onCompleted();
    }

    /**
     * Maps any failure to the gRPC status the kubelet expects. Bad input is a {@link CriException} with
     * INVALID_ARGUMENT, thrown where the input is checked; any other exception, an IllegalArgumentException
     * included, is a fault of jcri's and answered INTERNAL, so that neither clients nor the request fuzz take
     * it for a bad request.
     */
    public static Status toStatus(Throwable t) {
        return switch (t) {
            case CriException e -> Status.fromCode(e.code()).withDescription(e.getMessage()).withCause(e.getCause());
            case StatusRuntimeException e -> e.getStatus();
            case InterruptedException e -> {
                Thread.currentThread().interrupt();
                yield Status.CANCELLED.withDescription("interrupted").withCause(e);
            }
            case UncheckedIOException e -> Status.INTERNAL.withDescription(String.valueOf(e.getCause().getMessage())).withCause(e);
            case IOException e -> Status.INTERNAL.withDescription(e.toString()).withCause(e);
            default -> Status.INTERNAL.withDescription(t.toString()).withCause(t);
        };
    }
}
