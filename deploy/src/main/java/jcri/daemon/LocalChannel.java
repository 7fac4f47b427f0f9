package jcri.daemon;

import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A plaintext gRPC channel to a CRI socket on this node ({@code unix://} or a path), with an event loop of its own, on
 * this process's {@link Transport}.
 */
final class LocalChannel implements AutoCloseable {
    private final EventLoopGroup group;
    private final ManagedChannel channel;

    private LocalChannel(EventLoopGroup group, ManagedChannel channel) {
        this.group = group;
        this.channel = channel;
    }

    static LocalChannel open(String endpoint) {
        var transport = Transport.ofThisProcess();
        var group = new MultiThreadIoEventLoopGroup(1, transport.ioHandlers());
        var channel = NettyChannelBuilder
                .forAddress(transport.address(Path.of(endpoint.startsWith("unix://") ? endpoint.substring(7) : endpoint)))
                .channelType(transport.clientChannel()).eventLoopGroup(group).usePlaintext().build();
        return new LocalChannel(group, channel);
    }

    ManagedChannel channel() {
        return channel;
    }

    @Override
    public void close() {
        try {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        group.shutdownGracefully(0, 0, TimeUnit.SECONDS);
    }
}
