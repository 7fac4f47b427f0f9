package jcri.daemon;

import com.google.protobuf.Message;
import io.grpc.ForwardingServerCall;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Measures every call ({@link GrpcServerMetrics}, {@link OperationMetrics}), logs one structured line per failed call
 * (method, object id, cause) and, at debug level, one per call.
 */
final class RpcInterceptor implements ServerInterceptor {
    private static final Logger LOG = Logger.getLogger("jcri.rpc");
    private final GrpcServerMetrics grpc;
    private final OperationMetrics operations;

    RpcInterceptor(MeterRegistry registry) {
        this.grpc = new GrpcServerMetrics(registry);
        this.operations = new OperationMetrics(registry);
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        var descriptor = call.getMethodDescriptor();
        var method = descriptor.getFullMethodName();
        var meters = grpc.of(descriptor);
        meters.started();
        var started = System.nanoTime();
        var request = new Object[1];
        var observed = new ForwardingServerCall.SimpleForwardingServerCall<Q, R>(call) {
            @Override
            public void sendMessage(R message) {
                meters.sent();
                super.sendMessage(message);
            }

            @Override
            public void close(Status status, Metadata trailers) {
                long nanos = System.nanoTime() - started;
                meters.handled(status.getCode(), nanos);
                operations.record(descriptor.getBareMethodName(), status.getCode(), nanos);
                log(method, request[0], status, nanos);
                super.close(status, trailers);
            }
        };
        return new ForwardingServerCallListener.SimpleForwardingServerCallListener<Q>(next.startCall(observed, headers)) {
            @Override
            public void onMessage(Q message) {
                meters.received();
                if (request[0] == null) {
                    request[0] = message;
                }
                super.onMessage(message);
            }
        };
    }

    private static void log(String method, Object request, Status status, long nanos) {
        if (!status.isOk()) {
            var level = status.getCode() == Status.Code.NOT_FOUND || status.getCode() == Status.Code.CANCELLED
                    ? Level.INFO : Level.WARNING;
            LOG.log(level, status.getCause(), () -> "rpc failed method=" + method + " id=" + objectId(request)
                    + " code=" + status.getCode() + " cause=\"" + status.getDescription() + "\"");
        } else if (LOG.isLoggable(Level.FINE)) {
            LOG.fine(() -> "rpc method=" + method + " id=" + objectId(request) + " ms=" + nanos / 1_000_000);
        }
    }

    /** The first id-like field of a request: container, pod sandbox or image. */
    static String objectId(Object request) {
        if (!(request instanceof Message message)) {
            return "-";
        }
        for (var entry : message.getAllFields().entrySet()) {
            var name = entry.getKey().getName();
            var value = entry.getValue();
            if (value instanceof String s && (name.endsWith("_id") || name.equals("image"))) {
                return s;
            }
            if (value instanceof Message nested && (name.equals("image") || name.equals("config"))) {
                var inner = objectId(nested);
                if (!inner.equals("-")) {
                    return inner;
                }
            }
            if (name.equals("metadata") && value instanceof Message meta) {
                var field = meta.getDescriptorForType().findFieldByName("name");
                if (field != null) {
                    return String.valueOf(meta.getField(field));
                }
            }
        }
        return "-";
    }
}
