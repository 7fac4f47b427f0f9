package jcri.critest.kubelet;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.grpc.Server;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.NettyServerBuilder;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import jcri.critest.deviceplugin.v1beta1.RegisterRequest;
import jcri.critest.deviceplugin.v1beta1.RegistrationGrpc;

/**
 * A device plugin served to the running kubelet: on a socket in the kubelet's device plugin directory, registered
 * there for its resource. The directory is fixed, whatever the kubelet's {@code --root-dir}, so one kubelet at a time
 * on a host may have plugins.
 */
final class DevicePluginServer implements AutoCloseable {
    /** The kubelet's device plugin directory. */
    static final Path DIRECTORY = Path.of("/var/lib/kubelet/device-plugins");
    /** Where the kubelet serves {@code Registration}. */
    static final Path KUBELET_SOCKET = DIRECTORY.resolve("kubelet.sock");
    /** Where the kubelet's device manager keeps the devices it knows and their allocations. */
    static final Path CHECKPOINT = DIRECTORY.resolve("kubelet_internal_checkpoint");
    private static final Duration REGISTER = Duration.ofSeconds(60);
    private final CdiDevicePlugin plugin;
    private final Path socket;
    private final Server server;
    private final EventLoopGroup group;

    private DevicePluginServer(CdiDevicePlugin plugin, Path socket, Server server, EventLoopGroup group) {
        this.plugin = plugin;
        this.socket = socket;
        this.server = server;
        this.group = group;
    }

    /** Serves {@code plugin} and registers it with the kubelet for {@code resource}, waiting (bounded) for the kubelet's socket. */
    static DevicePluginServer start(String resource, CdiDevicePlugin plugin) throws IOException, InterruptedException {
        var socket = DIRECTORY.resolve("jcri-" + resource.replaceAll("[^A-Za-z0-9.-]", "_") + ".sock");
        Files.createDirectories(DIRECTORY);
        Files.deleteIfExists(socket);
        var group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        var server = NettyServerBuilder.forAddress(new DomainSocketAddress(socket.toString()))
                .channelType(EpollServerDomainSocketChannel.class).bossEventLoopGroup(group).workerEventLoopGroup(group)
                .addService(plugin).build().start();
        var started = new DevicePluginServer(plugin, socket, server, group);
        try {
            started.register(resource);
        } catch (RuntimeException e) {
            started.close();
            throw e;
        }
        return started;
    }

    private void register(String resource) throws InterruptedException {
        var channel = NettyChannelBuilder.forAddress(new DomainSocketAddress(KUBELET_SOCKET.toString()))
                .channelType(EpollDomainSocketChannel.class).eventLoopGroup(group).usePlaintext().build();
        try {
            RegistrationGrpc.newBlockingStub(channel).withWaitForReady().withDeadlineAfter(REGISTER.toSeconds(), TimeUnit.SECONDS)
                    .register(RegisterRequest.newBuilder().setVersion("v1beta1").setEndpoint(socket.getFileName().toString())
                            .setResourceName(resource).build());
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    /**
     * Waits until the kubelet's device manager has taken devices {@code ids} of {@code resource} from the plugin's
     * list (its checkpoint names them), and so admits pods that ask for them.
     */
    static void awaitListed(String resource, List<String> ids, Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!listed(CHECKPOINT, resource).containsAll(ids)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the kubelet did not list " + resource + " " + ids + " within " + timeout + ": "
                        + (Files.exists(CHECKPOINT) ? Files.readString(CHECKPOINT) : "no checkpoint"));
            }
            Thread.sleep(100);
        }
    }

    /**
     * The devices of {@code resource} a kubelet's {@code checkpoint} names now (those it took from the plugin's list
     * as healthy); none before its first.
     */
    static List<String> listed(Path checkpoint, String resource) throws IOException {
        if (!Files.exists(checkpoint)) {
            return List.of();
        }
        var devices = new ArrayList<String>();
        new ObjectMapper().readTree(checkpoint.toFile()).path("Data").path("RegisteredDevices").path(resource)
                .forEach(d -> devices.add(d.asText()));
        return devices;
    }

    /**
     * Ends the plugin's streams and stops serving, as a plugin that exits (the kubelet then counts its devices
     * unhealthy), and removes the socket.
     */
    @Override
    public void close() throws IOException {
        plugin.endWatches();
        try {
            if (!server.shutdown().awaitTermination(10, TimeUnit.SECONDS)) {
                server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            server.shutdownNow();
            Thread.currentThread().interrupt();
        }
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        Files.deleteIfExists(socket);
    }
}
