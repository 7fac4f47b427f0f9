package jcri.critest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import jcri.api.v1.PortForwardRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** critest "port forward": to a server in the pod's network namespace and on a host-network pod, over SPDY and WebSocket. */
class PortForwardSpec {
    private static final CriClient CRI = Target.client();
    private static final int HTTP_PORT = WebServers.POD_PORT;
    private static WebServers servers;
    private static String podId;
    private static String hostPodId;
    private static int hostPort;

    @BeforeAll
    static void startServers() throws Exception {
        servers = WebServers.start(CRI, "forward");
        podId = servers.podId();
        hostPodId = servers.hostPodId();
        hostPort = servers.hostPort();
    }

    @AfterAll
    static void removePods() {
        servers.close();
    }

    private static String url(String pod, int... ports) {
        var request = PortForwardRequest.newBuilder().setPodSandboxId(pod);
        Arrays.stream(ports).forEach(request::addPort);
        return CRI.runtime().portForward(request.build()).getUrl();
    }

    /** One HTTP GET through a SPDY port-forward connection: the response, and the error stream's text. */
    static String[] getOverSpdy(SpdyClient client, int port, String requestId) throws Exception {
        var error = client.open(Map.of("streamtype", "error", "port", String.valueOf(port), "requestid", requestId));
        var data = client.open(Map.of("streamtype", "data", "port", String.valueOf(port), "requestid", requestId));
        data.write("GET /index.html HTTP/1.0\r\n\r\n");
        data.close();
        return new String[] {data.received.untilEnd(ExecStreamSpec.WAIT), error.received.untilEnd(ExecStreamSpec.WAIT)};
    }

    @Test
    void spdyForwardsSeveralConnectionsToThePod() throws Exception {
        try (var client = SpdyClient.connect(url(podId, HTTP_PORT), List.of("portforward.k8s.io"))) {
            assertEquals("portforward.k8s.io", client.protocol());
            for (int i = 0; i < 3; i++) {
                var answer = getOverSpdy(client, HTTP_PORT, String.valueOf(i));
                assertTrue(answer[0].contains("hello-from-pod"), answer[0]);
                assertEquals("", answer[1]);
            }
        }
    }

    @Test
    void spdyForwardsToAHostNetworkPod() throws Exception {
        try (var client = SpdyClient.connect(url(hostPodId), List.of("portforward.k8s.io"))) {
            var answer = getOverSpdy(client, hostPort, "0");
            assertTrue(answer[0].contains("hello-from-host-pod"), answer[0]);
        }
    }

    @Test
    void aClosedPortIsReportedOnTheErrorStream() throws Exception {
        try (var client = SpdyClient.connect(url(podId), List.of("portforward.k8s.io"))) {
            var answer = getOverSpdy(client, 9, "0");
            assertEquals("", answer[0]);
            assertTrue(answer[1].contains("port 9"), answer[1]);
        }
    }

    @Test
    void webSocketForwardsWithThePortPrefix() throws Exception {
        try (var client = WebSocketClient.connect(url(podId) + "?port=" + HTTP_PORT, "v4.channel.k8s.io")) {
            var data = client.channel(0);
            data.until(s -> s.length() >= 2, ExecStreamSpec.WAIT);
            assertArrayEquals(new byte[] {(byte) (HTTP_PORT & 0xff), (byte) (HTTP_PORT >> 8)}, Arrays.copyOf(data.bytes(), 2));
            client.write(0, "GET /index.html HTTP/1.0\r\n\r\n");
            var response = data.until(s -> s.contains("hello-from-pod"), ExecStreamSpec.WAIT);
            assertTrue(response.contains("200 OK"), response);
        }
    }

    @Test
    void badPortsAndPodsAreRefused() {
        if (!Target.external()) {
            var port = assertThrows(StatusRuntimeException.class, () -> url(podId, 70000));
            assertEquals(Status.Code.INVALID_ARGUMENT, port.getStatus().getCode(), "containerd 1.6 checks ports only when forwarding");
        }
        var pod = assertThrows(StatusRuntimeException.class, () -> url("no-such-pod", 80));
        assertEquals(Status.Code.NOT_FOUND, pod.getStatus().getCode());
    }
}
