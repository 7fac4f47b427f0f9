package jcri.critest;

import java.util.List;
import jcri.api.v1.ExecSyncRequest;
import jcri.api.v1.LinuxPodSandboxConfig;
import jcri.api.v1.LinuxSandboxSecurityContext;
import jcri.api.v1.NamespaceMode;
import jcri.api.v1.NamespaceOption;
import jcri.api.v1.PodSandboxConfig;
import jcri.image.testing.FreePorts;

/**
 * Two pods serving one page each with busybox httpd, for the port-forward specs: one in its own network
 * ({@code hello-from-pod} on {@link #POD_PORT}), one in the node's ({@code hello-from-host-pod} on
 * 127.0.0.1:{@link #hostPort()}, a free port). Closing removes both.
 */
final class WebServers implements AutoCloseable {
    static final int POD_PORT = 8080;
    private final CriClient cri;
    private final PodSandboxConfig pod;
    private final String podId;
    private final String podServer;
    private final String hostPodId;
    private final int hostPort;

    private WebServers(CriClient cri, PodSandboxConfig pod, String podId, String podServer, String hostPodId, int hostPort) {
        this.cri = cri;
        this.pod = pod;
        this.podId = podId;
        this.podServer = podServer;
        this.hostPodId = hostPodId;
        this.hostPort = hostPort;
    }

    /** Starts both pods (named {@code name} and {@code name-host}) and waits until each server answers. */
    static WebServers start(CriClient cri, String name) throws java.io.IOException, InterruptedException {
        var pod = Pods.config(name).build();
        var podId = Pods.run(cri, pod);
        var web = Pods.start(cri, podId, pod, server(cri, "hello-from-pod", String.valueOf(POD_PORT)));
        awaitListening(cri, web, POD_PORT);
        int hostPort = FreePorts.pick();
        var hostPod = Pods.config(name + "-host").setLinux(LinuxPodSandboxConfig.newBuilder().setSecurityContext(
                LinuxSandboxSecurityContext.newBuilder().setNamespaceOptions(NamespaceOption.newBuilder()
                        .setNetwork(NamespaceMode.NODE)))).build();
        var hostPodId = Pods.run(cri, hostPod);
        var hostWeb = Pods.start(cri, hostPodId, hostPod, server(cri, "hello-from-host-pod", "127.0.0.1:" + hostPort));
        awaitListening(cri, hostWeb, hostPort);
        return new WebServers(cri, pod, podId, web, hostPodId, hostPort);
    }

    private static jcri.api.v1.ContainerConfig server(CriClient cri, String page, String address) {
        return Pods.shell(cri, "web", "mkdir -p /www && echo " + page + " > /www/index.html && exec httpd -f -p " + address
                + " -h /www").build();
    }

    /** Waits until the server on {@code port} answers inside its pod. */
    static void awaitListening(CriClient cri, String container, int port) throws InterruptedException {
        for (int i = 0; i < 100; i++) {
            var probe = cri.runtime().execSync(ExecSyncRequest.newBuilder().setContainerId(container).setTimeout(10)
                    .addAllCmd(List.of("sh", "-c", "nc 127.0.0.1 " + port + " </dev/null && echo up")).build());
            if (probe.getStdout().toStringUtf8().contains("up")) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("server on port " + port + " did not come up");
    }

    PodSandboxConfig pod() {
        return pod;
    }

    String podId() {
        return podId;
    }

    /** The web server container of the pod with its own network (a busybox with a shell). */
    String podServer() {
        return podServer;
    }

    String hostPodId() {
        return hostPodId;
    }

    int hostPort() {
        return hostPort;
    }

    @Override
    public void close() {
        Pods.destroy(cri, podId);
        Pods.destroy(cri, hostPodId);
    }
}
