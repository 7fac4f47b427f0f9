package jcri.api;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.Callable;

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

    /** Maps any failure to the gRPC status the kubelet expects. */
    public static Status toStatus(Throwable t) {
        return switch (t) {
            case CriException e -> Status.fromCode(e.code()).withDescription(e.getMessage()).withCause(e.getCause());
            case StatusRuntimeException e -> e.getStatus();
            case IllegalArgumentException e -> Status.INVALID_ARGUMENT.withDescription(e.getMessage()).withCause(e);
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
