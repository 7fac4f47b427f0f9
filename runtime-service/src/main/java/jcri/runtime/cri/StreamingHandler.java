package jcri.runtime.cri;

import com.google.protobuf.UnsafeByteOperations;
import io.grpc.Context;
import io.grpc.stub.StreamObserver;
import jcri.api.CriException;
import jcri.api.Rpc;
import jcri.api.Timeouts;
import jcri.api.v1.AttachRequest;
import jcri.api.v1.AttachResponse;
import jcri.api.v1.ExecRequest;
import jcri.api.v1.ExecResponse;
import jcri.api.v1.ExecSyncRequest;
import jcri.api.v1.ExecSyncResponse;
import jcri.api.v1.PortForwardRequest;
import jcri.api.v1.PortForwardResponse;
import jcri.api.v1.RuntimeServiceGrpc;
import jcri.runtime.container.ContainerAttach;
import jcri.runtime.container.ContainerExec;
import jcri.runtime.container.ContainerManager;
import jcri.runtime.sandbox.PodDialer;
import jcri.runtime.stream.StreamRequest;
import jcri.runtime.stream.StreamingServer;

/**
 * CRI handlers for reaching into containers: ExecSync runs a command to completion (or until its caller
 * cancels the call or its deadline passes: the command is then killed); Exec, Attach and PortForward check the
 * request and answer with a URL on the streaming server.
 */
public final class StreamingHandler implements RuntimeServiceGrpc.AsyncService {
    private final ContainerExec exec;
    private final ContainerManager containers;
    private final ContainerAttach attach;
    private final PodDialer pods;
    private final StreamingServer server;

    public StreamingHandler(ContainerExec exec, ContainerManager containers, ContainerAttach attach, PodDialer pods,
                            StreamingServer server) {
        this.exec = exec;
        this.containers = containers;
        this.attach = attach;
        this.pods = pods;
        this.server = server;
    }

    @Override
    public void execSync(ExecSyncRequest request, StreamObserver<ExecSyncResponse> observer) {
        Rpc.unary(observer, () -> {
            if (request.getTimeout() < 0) {
                throw CriException.invalid("timeout must not be negative (got %d)", request.getTimeout());
            }
            ContainerExec.Result result;
            var caller = Thread.currentThread();
            Context.CancellationListener interrupt = cancelled -> caller.interrupt();
            Context.current().addListener(interrupt, Runnable::run);
            try (var session = server.session("exec_sync")) {
                result = exec.execSync(request.getContainerId(), request.getCmdList(), Timeouts.seconds(request.getTimeout()));
            } finally {
                Context.current().removeListener(interrupt);
            }
            return ExecSyncResponse.newBuilder()
                    .setStdout(UnsafeByteOperations.unsafeWrap(result.stdout())) // no copy of up to 16 MiB: the arrays stay unchanged
                    .setStderr(UnsafeByteOperations.unsafeWrap(result.stderr()))
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
            var id = containers.running(nonEmpty(request.getContainerId())).id();
            return ExecResponse.newBuilder().setUrl(server.url(new StreamRequest.Exec(id, request.getCmdList(), stdio))).build();
        });
    }

    @Override
    public void attach(AttachRequest request, StreamObserver<AttachResponse> observer) {
        Rpc.unary(observer, () -> {
            var stdio = stdio(request.getTty(), request.getStdin(), request.getStdout(), request.getStderr());
            var container = attach.check(nonEmpty(request.getContainerId()), stdio.stdin());
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
            var pod = pods.ready(request.getPodSandboxId());
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

    private static String nonEmpty(String containerId) {
        if (containerId.isEmpty()) {
            throw CriException.invalid("container id is empty");
        }
        return containerId;
    }
}
