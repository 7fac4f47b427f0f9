package jcri.runtime.stream;

import com.google.protobuf.ByteString;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import jcri.api.CriException;
import jcri.api.Rpc;
import jcri.api.v1.AttachRequest;
import jcri.api.v1.AttachResponse;
import jcri.api.v1.ExecRequest;
import jcri.api.v1.ExecResponse;
import jcri.api.v1.ExecSyncRequest;
import jcri.api.v1.ExecSyncResponse;
import jcri.api.v1.PortForwardRequest;
import jcri.api.v1.PortForwardResponse;
import jcri.api.v1.RuntimeServiceGrpc;
import jcri.runtime.container.ContainerExec;
import jcri.runtime.container.ContainerManager;
import jcri.runtime.container.ContainerRecord;
import jcri.runtime.sandbox.SandboxManager;

/**
 * CRI handlers for reaching into containers: ExecSync runs a command to completion; Exec, Attach
 * and PortForward check the request and answer with a URL on the streaming server.
 */
public final class StreamingHandler implements RuntimeServiceGrpc.AsyncService {
    private final ContainerExec exec;
    private final ContainerManager containers;
    private final SandboxManager pods;
    private final StreamingServer server;

    public StreamingHandler(ContainerExec exec, ContainerManager containers, SandboxManager pods, StreamingServer server) {
        this.exec = exec;
        this.containers = containers;
        this.pods = pods;
        this.server = server;
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

    @Override
    public void exec(ExecRequest request, StreamObserver<ExecResponse> observer) {
        Rpc.unary(observer, () -> {
            if (request.getCmdCount() == 0) {
                throw CriException.invalid("exec needs a command");
            }
            var stdio = stdio(request.getTty(), request.getStdin(), request.getStdout(), request.getStderr());
            var id = running(request.getContainerId()).id();
            return ExecResponse.newBuilder().setUrl(server.url(new StreamRequest.Exec(id, request.getCmdList(), stdio))).build();
        });
    }

    @Override
    public void attach(AttachRequest request, StreamObserver<AttachResponse> observer) {
        Rpc.unary(observer, () -> {
            var stdio = stdio(request.getTty(), request.getStdin(), request.getStdout(), request.getStderr());
            var container = running(request.getContainerId());
            if (stdio.stdin() && !container.parsedConfig().getStdin()) {
                throw CriException.invalid("container %s was not created with stdin, so attach cannot send it input", container.id());
            }
            return AttachResponse.newBuilder().setUrl(server.url(new StreamRequest.Attach(container.id(), stdio))).build();
        });
    }

    @Override
    public void portForward(PortForwardRequest request, StreamObserver<PortForwardResponse> observer) {
        Rpc.unary(observer, () -> {
            if (request.getPodSandboxId().isEmpty()) {
                throw CriException.invalid("port forwarding needs a pod sandbox id");
            }
            for (int port : request.getPortList()) {
                if (port < 1 || port > 65535) {
                    throw CriException.invalid("port %d is not between 1 and 65535", port);
                }
            }
            var pod = pods.get(request.getPodSandboxId());
            if (!pod.ready()) {
                throw CriException.failedPrecondition("pod sandbox %s is not ready", pod.id());
            }
            return PortForwardResponse.newBuilder()
                    .setUrl(server.url(new StreamRequest.PortForward(pod.id(), request.getPortList()))).build();
        });
    }

    private static StreamRequest.Stdio stdio(boolean tty, boolean stdin, boolean stdout, boolean stderr) {
        if (tty && stderr) {
            throw CriException.invalid("tty and stderr cannot both be true: a terminal merges the error output into stdout");
        }
        if (!stdin && !stdout && !stderr) {
            throw CriException.invalid("one of stdin, stdout and stderr must be requested");
        }
        return new StreamRequest.Stdio(tty, stdin, stdout, stderr);
    }

    private ContainerRecord running(String containerId) {
        if (containerId.isEmpty()) {
            throw CriException.invalid("container id is empty");
        }
        var container = containers.get(containerId);
        if (!container.state().equals(ContainerRecord.RUNNING)) {
            throw CriException.failedPrecondition("container %s is not running (%s)", container.id(), container.state());
        }
        return container;
    }
}
