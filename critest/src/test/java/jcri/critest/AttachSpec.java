package jcri.critest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.List;
import jcri.api.v1.AttachRequest;
import jcri.api.v1.ContainerState;
import jcri.api.v1.ContainerStatusRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** critest "attach": output and input of the container's main process, stdin_once, detaching. */
class AttachSpec {
    private static final CriClient CRI = Target.client();
    private static String podId;
    private static jcri.api.v1.PodSandboxConfig pod;

    @BeforeAll
    static void startPod() {
        pod = Pods.config("attach").build();
        podId = Pods.run(CRI, pod);
    }

    @AfterAll
    static void removePod() {
        Pods.destroy(CRI, podId);
    }

    private static String url(String container, boolean stdin) {
        return CRI.runtime().attach(AttachRequest.newBuilder().setContainerId(container).setStdin(stdin).setStdout(true)
                .setStderr(true).build()).getUrl();
    }

    private static ContainerState state(String container) {
        return CRI.runtime().containerStatus(ContainerStatusRequest.newBuilder().setContainerId(container).build())
                .getStatus().getState();
    }

    @Test
    void stdinOnceClosesTheContainersInputWhenTheAttachEnds() throws Exception {
        var container = Pods.start(CRI, podId, pod, Pods.shell(CRI, "reader", "read line; echo got:$line; cat; echo eof >&2")
                .setStdin(true).setStdinOnce(true).build());
        try (var client = SpdyClient.connect(url(container, true), List.of("v4.channel.k8s.io"))) {
            var error = client.open("error");
            var stdin = client.open("stdin");
            var stdout = client.open("stdout");
            var stderr = client.open("stderr");
            stdin.write("hello\n");
            stdout.received.until(s -> s.contains("got:hello\n"), ExecStreamSpec.WAIT);
            stdin.write("more\n");
            stdout.received.until(s -> s.contains("more\n"), ExecStreamSpec.WAIT);
            stdin.close();
            assertEquals("eof\n", stderr.received.until(s -> s.contains("eof"), ExecStreamSpec.WAIT));
            assertEquals("Success", ExecStreamSpec.status(error.received).path("status").asText());
        }
        var status = Pods.awaitExit(CRI, container, ExecStreamSpec.WAIT);
        assertEquals(ContainerState.CONTAINER_EXITED, status.getState());
        assertEquals(0, status.getExitCode());
    }

    @Test
    void detachingLeavesTheContainerRunning() throws Exception {
        var container = Pods.start(CRI, podId, pod, Pods.shell(CRI, "ticker", "while true; do echo tick; sleep 0.2; done").build());
        try (var client = WebSocketClient.connect(url(container, false), "v4.channel.k8s.io")) {
            client.channel(1).until(s -> s.contains("tick\ntick\n"), ExecStreamSpec.WAIT);
        }
        Thread.sleep(1000);
        assertEquals(ContainerState.CONTAINER_RUNNING, state(container));
        try (var again = WebSocketClient.connect(url(container, false), "v4.channel.k8s.io")) {
            again.channel(1).until(s -> s.contains("tick"), ExecStreamSpec.WAIT);
        }
    }

    @Test
    void stdinIsRefusedForAContainerWithout() {
        org.junit.jupiter.api.Assumptions.assumeFalse(Target.external(), "jcri refuses at Attach; containerd 1.6 hands out the URL");
        var container = Pods.start(CRI, podId, pod, Pods.shell(CRI, "no-stdin", "exec sleep 100000").build());
        var refused = assertThrows(StatusRuntimeException.class, () -> url(container, true));
        assertEquals(Status.Code.INVALID_ARGUMENT, refused.getStatus().getCode());
    }
}
