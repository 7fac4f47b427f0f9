package jcri.daemon;

import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.unix.DomainSocketAddress;
import java.util.concurrent.TimeUnit;

/** A plaintext gRPC channel to a CRI socket on this node ({@code unix://} or a path), with an event loop of its own. */
final class LocalChannel implements AutoCloseable {
    private final EventLoopGroup group;
    private final ManagedChannel channel;

    private LocalChannel(EventLoopGroup group, ManagedChannel channel) {
        this.group = group;
        this.channel = channel;
    }

    static LocalChannel open(String endpoint) {
        var group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        var channel = NettyChannelBuilder
                .forAddress(new DomainSocketAddress(endpoint.startsWith("unix://") ? endpoint.substring(7) : endpoint))
                .channelType(EpollDomainSocketChannel.class).eventLoopGroup(group).usePlaintext().build();
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
