package jcri.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.netty.NettyChannelBuilder;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import jcri.api.v1.RuntimeServiceGrpc;
import jcri.api.v1.VersionRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TransportTest {
    private static final Optional<Throwable> LOADS = Optional.empty();
    private static final Optional<Throwable> MISSING = Optional.of(new UnsatisfiedLinkError("no libnetty_transport_native_epoll_riscv64"));

    @TempDir
    Path dir;

    @Test
    void autoTakesEpollWhenTheNativeLoads() {
        var transport = Transport.choose("auto", () -> LOADS);
        assertTrue(transport.epoll());
        assertEquals("epoll (native loaded)", transport.toString());
    }

    @Test
    void autoFallsBackToNioAndSaysWhy() {
        var transport = Transport.choose("auto", () -> MISSING);
        assertFalse(transport.epoll());
        assertEquals("nio (epoll unavailable: no libnetty_transport_native_epoll_riscv64)", transport.toString());
    }

    @Test
    void theCauseOfAFailedLoadIsNamed() {
        var failed = new IllegalStateException("failed to load", new UnsatisfiedLinkError("wrong ELF class"));
        assertEquals("nio (epoll unavailable: failed to load: wrong ELF class)",
                Transport.choose("auto", () -> Optional.of(failed)).toString());
    }

    @Test
    void nioIsForcedWithoutAskingAboutEpoll() {
        var asked = new AtomicBoolean();
        var transport = Transport.choose("nio", () -> {
            asked.set(true);
            return LOADS;
        });
        assertFalse(transport.epoll());
        assertFalse(asked.get(), "the native library is not even loaded");
        assertEquals("nio (-Djcri.transport=nio)", transport.toString());
    }

    @Test
    void epollRequiredButUnavailableIsAnError() {
        var e = assertThrows(IllegalArgumentException.class, () -> Transport.choose("epoll", () -> MISSING));
        assertEquals("-Djcri.transport=epoll, but epoll is unavailable: no libnetty_transport_native_epoll_riscv64", e.getMessage());
        assertTrue(Transport.choose("epoll", () -> LOADS).epoll());
    }

    @Test
    void anUnknownSettingIsAnError() {
        var e = assertThrows(IllegalArgumentException.class, () -> Transport.choose("kqueue", () -> LOADS));
        assertEquals("-Djcri.transport must be auto, epoll or nio (got 'kqueue')", e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"nio", "epoll"})
    void theCriServerAnswersOverEitherTransport(String kind) throws Exception {
        var transport = Transport.choose(kind, () -> LOADS);
        var socket = dir.resolve("jcri.sock");
        var services = List.of(ServiceComposer.compose(RuntimeServiceGrpc.getServiceDescriptor(), RuntimeServiceGrpc.AsyncService.class,
                RuntimeServiceGrpc::bindService, List.of(new ServiceComposerTest.VersionFamily())));
        var group = new MultiThreadIoEventLoopGroup(1, transport.ioHandlers());
        try (var server = CriServer.start(socket, transport, services, List.of())) {
            var channel = NettyChannelBuilder.forAddress(transport.address(socket)).channelType(transport.clientChannel())
                    .eventLoopGroup(group).usePlaintext().build();
            try {
                var version = RuntimeServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS)
                        .version(VersionRequest.getDefaultInstance());
                assertEquals("from-version-family", version.getRuntimeName());
            } finally {
                channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            }
        } finally {
            group.shutdownGracefully(0, 0, TimeUnit.SECONDS);
        }
        assertFalse(socket.toFile().exists(), "the socket is removed at close");
    }
}
