package jcri.runtime.stream;

import com.google.protobuf.ByteString;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import jcri.api.Rpc;
import jcri.api.v1.ExecSyncRequest;
import jcri.api.v1.ExecSyncResponse;
import jcri.api.v1.RuntimeServiceGrpc;
import jcri.runtime.container.ContainerExec;

/** CRI handlers for running commands in containers: ExecSync. */
public final class StreamingHandler implements RuntimeServiceGrpc.AsyncService {
    private final ContainerExec exec;

    public StreamingHandler(ContainerExec exec) {
        this.exec = exec;
    }

    @Override
    public void execSync(ExecSyncRequest request, StreamObserver<ExecSyncResponse> observer) {
        Rpc.unary(observer, () -> {
            if (request.getTimeout() < 0) {
                throw new IllegalArgumentException("timeout must not be negative (got " + request.getTimeout() + ")");
            }
            var result = exec.execSync(request.getContainerId(), request.getCmdList(), Duration.ofSeconds(request.getTimeout()));
            return ExecSyncResponse.newBuilder()
                    .setStdout(ByteString.copyFrom(result.stdout()))
                    .setStderr(ByteString.copyFrom(result.stderr()))
                    .setExitCode(result.exitCode())
                    .build();
        });
    }
}
