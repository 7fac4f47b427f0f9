package jcri.api.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import java.util.List;

/**
 * A StreamObserver that keeps what a handler sent: the responses, then completion or an error. Shared by the
 * modules' handler tests (this module's test jar).
 */
public final class Recorder<T> implements StreamObserver<T> {
    private final List<T> values = new ArrayList<>();
    private Throwable error;
    private boolean completed;

    @Override
    public void onNext(T value) {
        values.add(value);
    }

    @Override
    public void onError(Throwable t) {
        error = t;
    }

    @Override
    public void onCompleted() {
        completed = true;
    }

    /** Every response, in order. */
    public List<T> values() {
        return values;
    }

    /** Whether the call completed (rather than failed or went on). */
    public boolean completed() {
        return completed;
    }

    /** The one response of a unary call that succeeded. */
    public T single() {
        if (error != null) {
            throw new AssertionError("the call failed: " + error, error);
        }
        assertTrue(completed, "the call completed");
        assertEquals(1, values.size());
        return values.getFirst();
    }

    /** The status of a call that failed, having sent nothing before. */
    public Status failure() {
        assertNotNull(error, "the call failed");
        assertTrue(values.isEmpty(), "no response before the error");
        return assertInstanceOf(StatusRuntimeException.class, error).getStatus();
    }

    /** Asserts the call failed with {@code code} and exactly {@code message}. */
    public void assertFailed(Status.Code code, String message) {
        var status = failure();
        assertEquals(code, status.getCode(), status.toString());
        assertEquals(message, status.getDescription());
    }
}
