package jcri.api;

import io.grpc.Status;

/**
 * The one failure type of jcri: a gRPC status code and a message a node operator can act on.
 * Managers throw it; the CRI handlers turn it into the call's status.
 */
public final class CriException extends RuntimeException {
    private final Status.Code code;

    public CriException(Status.Code code, String message) {
        super(message);
        this.code = code;
    }

    public CriException(Status.Code code, String message, Throwable cause) {
        super(message, cause);
        this.code = code;
    }

    public Status.Code code() {
        return code;
    }

    public static CriException notFound(String format, Object... args) {
        return new CriException(Status.Code.NOT_FOUND, format.formatted(args));
    }

    public static CriException invalid(String format, Object... args) {
        return new CriException(Status.Code.INVALID_ARGUMENT, format.formatted(args));
    }

    public static CriException alreadyExists(String format, Object... args) {
        return new CriException(Status.Code.ALREADY_EXISTS, format.formatted(args));
    }

    public static CriException failedPrecondition(String format, Object... args) {
        return new CriException(Status.Code.FAILED_PRECONDITION, format.formatted(args));
    }

    public static CriException internal(String message, Throwable cause) {
        return new CriException(Status.Code.INTERNAL, message, cause);
    }
}
