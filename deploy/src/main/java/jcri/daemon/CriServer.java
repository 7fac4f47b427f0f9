package jcri.daemon;

import io.grpc.Server;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.netty.NettyServerBuilder;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import java.io.IOException;
import java.net.ConnectException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/** The CRI gRPC server on a Unix domain socket (netty, epoll or NIO: {@link Transport}), handlers on virtual threads. */
final class CriServer implements AutoCloseable {
    /** The kubelet's own limit on CRI messages. */
    static final int MAX_MESSAGE_BYTES = 16 * 1024 * 1024;
    private static final Logger LOG = Logger.getLogger(CriServer.class.getName());

    private final Path socket;
    private final Server server;
    private final EventLoopGroup boss;
    private final EventLoopGroup workers;
    private final ExecutorService handlers;

    private CriServer(Path socket, Server server, EventLoopGroup boss, EventLoopGroup workers, ExecutorService handlers) {
        this.socket = socket;
        this.server = server;
        this.boss = boss;
        this.workers = workers;
        this.handlers = handlers;
    }

    static CriServer start(Path socket, Transport transport, List<ServerServiceDefinition> services,
                           List<ServerInterceptor> interceptors) throws IOException {
        Files.createDirectories(socket.getParent());
        claim(socket);
        var boss = new MultiThreadIoEventLoopGroup(1, transport.ioHandlers());
        var workers = new MultiThreadIoEventLoopGroup(2, transport.ioHandlers());
        var handlers = Executors.newVirtualThreadPerTaskExecutor();
        // Bound under a private name and linked to its real name once its mode is set: the socket never appears with the umask's mode.
        var binding = socket.resolveSibling(privatePrefix(socket) + ProcessHandle.current().pid());
        Files.deleteIfExists(binding);
        var builder = NettyServerBuilder.forAddress(transport.address(binding))
                .channelType(transport.serverChannel())
                .bossEventLoopGroup(boss)
                .workerEventLoopGroup(workers)
                .executor(handlers)
                .maxInboundMessageSize(MAX_MESSAGE_BYTES);
        for (var service : services) {
            builder.addService(ServerInterceptors.intercept(service, interceptors));
        }
        var server = builder.build();
        try {
            server.start();
            Files.setPosixFilePermissions(binding, PosixFilePermissions.fromString("rw-rw----"));
            Files.createLink(socket, binding); // fails rather than replace a socket another daemon published meanwhile
            Files.delete(binding);
        } catch (IOException | RuntimeException e) {
            server.shutdownNow();
            Files.deleteIfExists(binding);
            boss.shutdownGracefully(0, 0, TimeUnit.SECONDS);
            workers.shutdownGracefully(0, 0, TimeUnit.SECONDS);
            throw e;
        }
        return new CriServer(socket, server, boss, workers, handlers);
    }

    /**
     * Refuses a socket another live daemon answers on; removes one left behind by a crash, and the private names
     * of daemons that died between binding and publishing their socket.
     */
    private static void claim(Path socket) throws IOException {
        var privatePrefix = privatePrefix(socket);
        try (var siblings = Files.list(socket.getParent())) {
            for (var sibling : siblings.toList()) {
                var name = sibling.getFileName().toString();
                if (name.startsWith(privatePrefix) && name.substring(privatePrefix.length()).matches("\\d{1,10}")
                        && ProcessHandle.of(Long.parseLong(name.substring(privatePrefix.length()))).isEmpty()) {
                    Files.deleteIfExists(sibling);
                }
            }
        }
        if (!Files.exists(socket, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (var probe = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            probe.connect(UnixDomainSocketAddress.of(socket));
            throw new IOException("another process is serving on " + socket
                    + "; stop it first or give this jcrid another socket (config key 'socket')");
        } catch (ConnectException stale) {
            LOG.info(() -> "removing stale socket " + socket);
            Files.delete(socket);
        }
    }

    /** The socket's name while its mode is set: {@code .<name>.<pid>}. */
    private static String privatePrefix(Path socket) {
        return "." + socket.getFileName() + ".";
    }

    /** Stops taking calls, lets in-flight calls finish (up to the grace period) and removes the socket. */
    @Override
    public void close() {
        server.shutdown();
        try {
            if (!server.awaitTermination(30, TimeUnit.SECONDS)) {
                server.shutdownNow();
                server.awaitTermination(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            server.shutdownNow();
            Thread.currentThread().interrupt();
        }
        handlers.shutdown();
        boss.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        workers.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        try {
            Files.deleteIfExists(socket);
        } catch (IOException e) {
            LOG.warning("could not remove socket " + socket + ": " + e.getMessage());
        }
    }

    void awaitTermination() throws InterruptedException {
        server.awaitTermination();
    }
}
