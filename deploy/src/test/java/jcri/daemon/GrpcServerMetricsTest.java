package jcri.daemon;

import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.List;
import jcri.api.v1.RuntimeServiceGrpc;
import org.junit.jupiter.api.Test;

class GrpcServerMetricsTest {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final GrpcServerMetrics metrics = new GrpcServerMetrics(registry);

    @Test
    void aServerStreamCountsEachMessageSentAndItsEnd() {
        var events = metrics.of(RuntimeServiceGrpc.getGetContainerEventsMethod());
        events.started();
        events.received();
        events.sent();
        events.sent();
        events.sent();
        events.handled(Status.Code.CANCELLED, 7_000_000);
        var labels = "grpc_method=\"GetContainerEvents\",grpc_service=\"runtime.v1.RuntimeService\",grpc_type=\"server_stream\"";
        var scrape = registry.scrape();
        for (var series : List.of(
                "grpc_server_started_total{" + labels + "} 1.0",
                "grpc_server_msg_received_total{" + labels + "} 1.0",
                "grpc_server_msg_sent_total{" + labels + "} 3.0",
                "grpc_server_handled_total{grpc_code=\"Canceled\"," + labels + "} 1.0",
                "grpc_server_handling_seconds_bucket{" + labels + ",le=\"0.005\"} 0",
                "grpc_server_handling_seconds_bucket{" + labels + ",le=\"0.01\"} 1",
                "grpc_server_handling_seconds_bucket{" + labels + ",le=\"+Inf\"} 1",
                "grpc_server_handling_seconds_sum{" + labels + "} 0.007")) {
            assertTrue(scrape.contains(series), series + " in\n" + scrape);
        }
    }

    @Test
    void aMethodIsLabelledOnce() {
        assertSame(metrics.of(RuntimeServiceGrpc.getVersionMethod()), metrics.of(RuntimeServiceGrpc.getVersionMethod()));
    }
}
