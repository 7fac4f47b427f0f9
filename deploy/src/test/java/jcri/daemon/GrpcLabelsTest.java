package jcri.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.grpc.MethodDescriptor.MethodType;
import io.grpc.Status;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class GrpcLabelsTest {
    @Test
    void typesAreGoGrpcPrometheusNames() {
        assertEquals("unary", GrpcLabels.type(MethodType.UNARY));
        assertEquals("server_stream", GrpcLabels.type(MethodType.SERVER_STREAMING));
        assertEquals("client_stream", GrpcLabels.type(MethodType.CLIENT_STREAMING));
        assertEquals("bidi_stream", GrpcLabels.type(MethodType.BIDI_STREAMING));
    }

    @Test
    void codesAreAsGoPrintsThem() {
        assertEquals(List.of("OK", "Canceled", "Unknown", "InvalidArgument", "DeadlineExceeded", "NotFound", "AlreadyExists",
                        "PermissionDenied", "ResourceExhausted", "FailedPrecondition", "Aborted", "OutOfRange", "Unimplemented",
                        "Internal", "Unavailable", "DataLoss", "Unauthenticated"),
                Arrays.stream(Status.Code.values()).map(GrpcLabels::code).toList());
    }
}
