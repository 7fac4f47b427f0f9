package jcri.runtime.cri;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import java.util.List;

/** A StreamObserver that keeps what a handler sent: the responses, then completion or an error. */
final class Recorder<T> implements StreamObserver<T> {
    final List<T> values = new ArrayList<>();
    Throwable error;
    boolean completed;

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

    /** The one response of a unary call that succeeded. */
    T single() {
        if (error != null) {
            throw new AssertionError("the call failed: " + error, error);
        }
        assertTrue(completed, "the call completed");
        assertEquals(1, values.size());
        return values.getFirst();
    }

    /** The status of a call that failed. */
    Status failure() {
        assertNotNull(error, "the call failed");
        assertTrue(values.isEmpty(), "no response before the error");
        return assertInstanceOf(StatusRuntimeException.class, error).getStatus();
    }

    void assertFailed(Status.Code code, String message) {
        var status = failure();
        assertEquals(code, status.getCode(), status.toString());
        assertEquals(message, status.getDescription());
    }
}
