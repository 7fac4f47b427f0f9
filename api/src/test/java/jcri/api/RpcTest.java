package jcri.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.grpc.Status;
import org.junit.jupiter.api.Test;

class RpcTest {
    @Test
    void anIllegalArgumentExceptionIsJcrisFaultNotBadInput() {
        var status = Rpc.toStatus(new IllegalArgumentException("bug"));
        assertEquals(Status.Code.INTERNAL, status.getCode());
        assertEquals("java.lang.IllegalArgumentException: bug", status.getDescription());
    }

    @Test
    void badInputIsWhatSaysSo() {
        assertEquals(Status.Code.INVALID_ARGUMENT, Rpc.toStatus(CriException.invalid("no image")).getCode());
    }
}
