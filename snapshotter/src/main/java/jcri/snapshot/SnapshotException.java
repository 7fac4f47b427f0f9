package jcri.snapshot;

/** A snapshot operation that failed; {@link #reason()} says how callers should report it. */
public final class SnapshotException extends RuntimeException {
    /** Failure kinds, named like the gRPC codes they map to. */
    public enum Reason { NOT_FOUND, ALREADY_EXISTS, FAILED_PRECONDITION, INVALID_ARGUMENT, INTERNAL }

    private final Reason reason;

    public SnapshotException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public SnapshotException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
