package jcri.runtime.sandbox;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.channels.SocketChannel;
import jcri.api.CriException;
import jcri.linux.NetworkNamespaces;

/**
 * Opens TCP connections to {@code localhost:<port>} inside a pod's network namespace (the host's
 * for host-network pods): the socket is created by a thread that entered the namespace, so it
 * lives there, and is used from anywhere afterwards. IPv4 first, then IPv6.
 */
public final class PodDialer {
    private final SandboxManager pods;

    public PodDialer(SandboxManager pods) {
        this.pods = pods;
    }

    public SocketChannel connect(String podId, int port) throws IOException {
        if (port < 1 || port > 65535) {
            throw CriException.invalid("port %d is not between 1 and 65535", port);
        }
        var pod = ready(podId);
        if (pod.netns().isEmpty()) {
            return dial(port);
        }
        try {
            return NetworkNamespaces.call(pod.netns(), () -> dial(port));
        } catch (IOException | RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IOException(e);
        }
    }

    /** The pod, which must be ready: a stopped pod has no network namespace to reach. */
    public SandboxRecord ready(String podId) {
        var pod = pods.get(podId);
        if (!pod.ready()) {
            throw CriException.failedPrecondition("pod sandbox %s is not ready", pod.id());
        }
        return pod;
    }

    private static SocketChannel dial(int port) throws IOException {
        try {
            return dial(StandardProtocolFamily.INET, InetAddress.getByName("127.0.0.1"), port);
        } catch (IOException v4) {
            try {
                return dial(StandardProtocolFamily.INET6, InetAddress.getByName("::1"), port);
            } catch (IOException v6) {
                v4.addSuppressed(v6);
                throw v4;
            }
        }
    }

    private static SocketChannel dial(StandardProtocolFamily family, InetAddress address, int port) throws IOException {
        var socket = SocketChannel.open(family);
        try {
            socket.connect(new InetSocketAddress(address, port));
            return socket;
        } catch (IOException e) {
            socket.close();
            throw new IOException("cannot connect to " + address.getHostAddress() + ":" + port + ": " + e.getMessage(), e);
        }
    }
}
