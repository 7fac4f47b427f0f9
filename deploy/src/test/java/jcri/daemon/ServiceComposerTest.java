package jcri.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.TimeUnit;
import jcri.api.v1.ListPodSandboxRequest;
import jcri.api.v1.ListPodSandboxResponse;
import jcri.api.v1.PodSandbox;
import jcri.api.v1.RuntimeServiceGrpc;
import jcri.api.v1.StatusRequest;
import jcri.api.v1.VersionRequest;
import jcri.api.v1.VersionResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A composed RuntimeService served over real gRPC on 127.0.0.1. */
class ServiceComposerTest {
    static final class VersionFamily implements RuntimeServiceGrpc.AsyncService {
        @Override
        public void version(VersionRequest request, StreamObserver<VersionResponse> observer) {
            observer.onNext(VersionResponse.newBuilder().setRuntimeName("from-version-family").build());
            observer.onCompleted();
        }
    }

    static final class PodFamily implements RuntimeServiceGrpc.AsyncService {
        @Override
        public void listPodSandbox(ListPodSandboxRequest request, StreamObserver<ListPodSandboxResponse> observer) {
            observer.onNext(ListPodSandboxResponse.newBuilder().addItems(PodSandbox.newBuilder().setId("from-pod-family")).build());
            observer.onCompleted();
        }
    }

    static final class AnotherVersionFamily implements RuntimeServiceGrpc.AsyncService {
        @Override
        public void version(VersionRequest request, StreamObserver<VersionResponse> observer) {
            observer.onCompleted();
        }
    }

    private Server server;
    private ManagedChannel channel;

    @AfterEach
    void stop() throws InterruptedException {
        if (channel != null) {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
        if (server != null) {
            server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    private RuntimeServiceGrpc.RuntimeServiceBlockingStub serve(List<RuntimeServiceGrpc.AsyncService> families) throws Exception {
        var service = ServiceComposer.compose(RuntimeServiceGrpc.getServiceDescriptor(), RuntimeServiceGrpc.AsyncService.class,
                RuntimeServiceGrpc::bindService, families);
        server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)).addService(service).build().start();
        channel = NettyChannelBuilder.forAddress("127.0.0.1", server.getPort()).usePlaintext().build();
        return RuntimeServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);
    }

    @Test
    void eachRpcGoesToTheFamilyThatOverridesIt() throws Exception {
        var stub = serve(List.of(new VersionFamily(), new PodFamily()));
        assertEquals("from-version-family", stub.version(VersionRequest.getDefaultInstance()).getRuntimeName());
        assertEquals("from-pod-family", stub.listPodSandbox(ListPodSandboxRequest.getDefaultInstance()).getItems(0).getId());
    }

    @Test
    void anRpcNoFamilyOverridesIsUnimplementedNamingTheMethod() throws Exception {
        var stub = serve(List.of(new VersionFamily()));
        var e = assertThrows(StatusRuntimeException.class, () -> stub.status(StatusRequest.getDefaultInstance()));
        assertEquals(Status.Code.UNIMPLEMENTED, e.getStatus().getCode());
        assertEquals("Method runtime.v1.RuntimeService/Status is unimplemented", e.getStatus().getDescription());
    }

    @Test
    void twoFamiliesClaimingOneRpcIsAWiringError() {
        var e = assertThrows(IllegalStateException.class, () -> ServiceComposer.compose(RuntimeServiceGrpc.getServiceDescriptor(),
                RuntimeServiceGrpc.AsyncService.class, RuntimeServiceGrpc::bindService,
                List.of(new VersionFamily(), new PodFamily(), new AnotherVersionFamily())));
        assertEquals("RPC version is handled by both VersionFamily and AnotherVersionFamily", e.getMessage());
    }
}
