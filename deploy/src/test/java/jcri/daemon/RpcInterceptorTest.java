package jcri.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import jcri.api.CriException;
import jcri.api.Rpc;
import jcri.api.v1.ContainerConfig;
import jcri.api.v1.ContainerMetadata;
import jcri.api.v1.ContainerStatusRequest;
import jcri.api.v1.ContainerStatusResponse;
import jcri.api.v1.CreateContainerRequest;
import jcri.api.v1.ImageSpec;
import jcri.api.v1.PodSandboxConfig;
import jcri.api.v1.PodSandboxMetadata;
import jcri.api.v1.PodSandboxStatusRequest;
import jcri.api.v1.PodSandboxStatusResponse;
import jcri.api.v1.PullImageRequest;
import jcri.api.v1.RunPodSandboxRequest;
import jcri.api.v1.RuntimeServiceGrpc;
import jcri.api.v1.VersionRequest;
import jcri.api.v1.VersionResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RpcInterceptorTest {
    /** Version succeeds, PodSandboxStatus is NOT_FOUND, ContainerStatus fails inside jcri. */
    static final class Handlers implements RuntimeServiceGrpc.AsyncService {
        @Override
        public void version(VersionRequest request, StreamObserver<VersionResponse> observer) {
            Rpc.unary(observer, VersionResponse::getDefaultInstance);
        }

        @Override
        public void podSandboxStatus(PodSandboxStatusRequest request, StreamObserver<PodSandboxStatusResponse> observer) {
            Rpc.unary(observer, () -> {
                throw CriException.notFound("pod sandbox %s not found", request.getPodSandboxId());
            });
        }

        @Override
        public void containerStatus(ContainerStatusRequest request, StreamObserver<ContainerStatusResponse> observer) {
            Rpc.unary(observer, () -> {
                throw new IllegalStateException("bug");
            });
        }
    }

    private final Logger rpcLog = Logger.getLogger("jcri.rpc");
    private final List<LogRecord> logged = new CopyOnWriteArrayList<>();
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord record) {
            logged.add(record);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };
    private Server server;
    private ManagedChannel channel;

    @AfterEach
    void stop() throws InterruptedException {
        rpcLog.removeHandler(capture);
        if (channel != null) {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
        if (server != null) {
            server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void everyCallIsMeasuredAsGoGrpcPrometheusAndCriONameItAndFailuresAreLoggedWithTheObjectId() throws Exception {
        var registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        rpcLog.addHandler(capture);
        server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                .addService(ServerInterceptors.intercept(RuntimeServiceGrpc.bindService(new Handlers()), new RpcInterceptor(registry)))
                .build().start();
        channel = NettyChannelBuilder.forAddress("127.0.0.1", server.getPort()).usePlaintext().build();
        var stub = RuntimeServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);

        stub.version(VersionRequest.getDefaultInstance());
        stub.version(VersionRequest.getDefaultInstance());
        assertThrows(StatusRuntimeException.class, () -> stub.podSandboxStatus(PodSandboxStatusRequest.newBuilder().setPodSandboxId("abc").build()));
        assertThrows(StatusRuntimeException.class, () -> stub.containerStatus(ContainerStatusRequest.newBuilder().setContainerId("c1").build()));

        var scrape = registry.scrape();
        var version = "grpc_method=\"Version\",grpc_service=\"runtime.v1.RuntimeService\",grpc_type=\"unary\"";
        for (var series : List.of(
                "grpc_server_started_total{" + version + "} 2.0",
                "grpc_server_msg_received_total{" + version + "} 2.0",
                "grpc_server_msg_sent_total{" + version + "} 2.0",
                "grpc_server_handled_total{grpc_code=\"OK\"," + version + "} 2.0",
                "grpc_server_handling_seconds_count{" + version + "} 2",
                "grpc_server_handling_seconds_bucket{" + version + ",le=\"0.005\"}",
                "grpc_server_handling_seconds_bucket{" + version + ",le=\"10.0\"}",
                "grpc_server_handled_total{grpc_code=\"NotFound\",grpc_method=\"PodSandboxStatus\",grpc_service=\"runtime.v1.RuntimeService\",grpc_type=\"unary\"} 1.0",
                "grpc_server_msg_sent_total{grpc_method=\"PodSandboxStatus\",grpc_service=\"runtime.v1.RuntimeService\",grpc_type=\"unary\"} 0.0",
                "grpc_server_handled_total{grpc_code=\"Internal\",grpc_method=\"ContainerStatus\",grpc_service=\"runtime.v1.RuntimeService\",grpc_type=\"unary\"} 1.0",
                "container_runtime_jcri_operations_total{operation=\"Version\"} 2.0",
                "container_runtime_jcri_operations_errors_total{operation=\"Version\"} 0.0",
                "container_runtime_jcri_operations_errors_total{operation=\"PodSandboxStatus\"} 1.0",
                "container_runtime_jcri_operations_latency_seconds{operation=\"Version\"} ")) {
            assertTrue(scrape.contains(series), series + " in\n" + scrape);
        }
        var failures = logged.stream().filter(r -> r.getLevel().intValue() >= Level.INFO.intValue()).toList();
        assertEquals(2, failures.size(), "successful calls are logged only at debug level");
        assertEquals(Level.INFO, failures.get(0).getLevel(), "NOT_FOUND is routine, not a warning");
        assertEquals("rpc failed method=runtime.v1.RuntimeService/PodSandboxStatus id=abc code=NOT_FOUND cause=\"pod sandbox abc not found\"",
                failures.get(0).getMessage());
        assertEquals(Level.WARNING, failures.get(1).getLevel());
        assertEquals("rpc failed method=runtime.v1.RuntimeService/ContainerStatus id=c1 code=INTERNAL cause=\"java.lang.IllegalStateException: bug\"",
                failures.get(1).getMessage());
    }

    @Test
    void theObjectIdIsTheFirstIdFieldOrImageOrMetadataName() {
        assertEquals("c1", RpcInterceptor.objectId(ContainerStatusRequest.newBuilder().setContainerId("c1").build()));
        assertEquals("busybox:1.36", RpcInterceptor.objectId(PullImageRequest.newBuilder()
                .setImage(ImageSpec.newBuilder().setImage("busybox:1.36")).build()));
        assertEquals("web", RpcInterceptor.objectId(RunPodSandboxRequest.newBuilder()
                .setConfig(PodSandboxConfig.newBuilder().setMetadata(PodSandboxMetadata.newBuilder().setName("web"))).build()));
        assertEquals("pod1", RpcInterceptor.objectId(CreateContainerRequest.newBuilder().setPodSandboxId("pod1")
                .setConfig(ContainerConfig.newBuilder().setMetadata(ContainerMetadata.newBuilder().setName("app"))).build()));
        assertEquals("app", RpcInterceptor.objectId(CreateContainerRequest.newBuilder()
                .setConfig(ContainerConfig.newBuilder().setMetadata(ContainerMetadata.newBuilder().setName("app"))).build()));
        assertEquals("-", RpcInterceptor.objectId(VersionRequest.getDefaultInstance()));
        assertEquals("-", RpcInterceptor.objectId("not a message"));
    }
}
