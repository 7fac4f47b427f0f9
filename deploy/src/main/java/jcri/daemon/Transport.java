package jcri.daemon;

import io.netty.channel.Channel;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioDomainSocketChannel;
import io.netty.channel.socket.nio.NioServerDomainSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The netty transport of jcrid's Unix-socket gRPC server and of its own clients of that socket: epoll where netty's
 * native library loads (packaged for Linux x86_64 and aarch64), else NIO over Java's own Unix domain sockets. The
 * system property {@code jcri.transport} chooses: {@code auto} (the default), {@code nio} (never loads the native
 * library) or {@code epoll} (fails when it does not load).
 *
 * @param epoll whether it is epoll rather than NIO
 * @param reason why, for the log
 */
record Transport(boolean epoll, String reason) {
    static final String PROPERTY = "jcri.transport";

    private static Transport thisProcess;

    /**
     * This process's transport, chosen at the first call from {@code -Djcri.transport} and whether epoll loads. Call it
     * before netty's channels are built: for {@code nio} it also sets {@code io.netty.transport.noNative}, without which
     * grpc-netty would load the native library anyway, to see whether epoll is there.
     */
    static synchronized Transport ofThisProcess() {
        if (thisProcess == null) {
            var setting = System.getProperty(PROPERTY, "auto");
            if (setting.equals("nio")) {
                System.setProperty("io.netty.transport.noNative", "true");
            }
            thisProcess = choose(setting, () -> Epoll.isAvailable() ? Optional.empty() : Optional.of(Epoll.unavailabilityCause()));
        }
        return thisProcess;
    }

    /**
     * The transport {@code setting} asks for, given why epoll is unavailable (empty when it loads; asked only
     * when the setting allows epoll).
     */
    static Transport choose(String setting, Supplier<Optional<Throwable>> epollProblem) {
        return switch (setting) {
            case "nio" -> new Transport(false, "-D" + PROPERTY + "=nio");
            case "epoll", "auto" -> {
                var problem = epollProblem.get();
                if (problem.isEmpty()) {
                    yield new Transport(true, "native loaded");
                }
                if (setting.equals("epoll")) {
                    throw new IllegalArgumentException("-D" + PROPERTY + "=epoll, but epoll is unavailable: " + describe(problem.get()));
                }
                yield new Transport(false, "epoll unavailable: " + describe(problem.get()));
            }
            default -> throw new IllegalArgumentException(
                    "-D" + PROPERTY + " must be auto, epoll or nio (got '" + setting + "')");
        };
    }

    IoHandlerFactory ioHandlers() {
        return epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
    }

    Class<? extends ServerChannel> serverChannel() {
        return epoll ? EpollServerDomainSocketChannel.class : NioServerDomainSocketChannel.class;
    }

    Class<? extends Channel> clientChannel() {
        return epoll ? EpollDomainSocketChannel.class : NioDomainSocketChannel.class;
    }

    /** The address of {@code socket} as this transport's channels take it. */
    SocketAddress address(Path socket) {
        return epoll ? new DomainSocketAddress(socket.toString()) : UnixDomainSocketAddress.of(socket);
    }

    @Override
    public String toString() {
        return (epoll ? "epoll" : "nio") + " (" + reason + ")";
    }

    private static String describe(Throwable problem) {
        var root = problem;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root == problem ? String.valueOf(problem.getMessage()) : problem.getMessage() + ": " + root.getMessage();
    }
}
