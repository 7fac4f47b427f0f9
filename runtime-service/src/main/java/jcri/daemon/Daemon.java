package jcri.daemon;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import jcri.api.v1.ImageServiceGrpc;
import jcri.api.v1.RuntimeServiceGrpc;
import jcri.config.JcriConfig;
import jcri.image.ImageManager;
import jcri.image.cri.ImageServiceHandler;
import jcri.runtime.info.PodCidr;
import jcri.runtime.info.RuntimeConditions;
import jcri.runtime.info.RuntimeInfoHandler;

/** jcrid's object graph: every manager and handler is constructed and wired here, and nowhere else. */
final class Daemon implements AutoCloseable {
    private final List<AutoCloseable> resources = new ArrayList<>();
    private final CriServer server;

    Daemon(JcriConfig config) throws IOException {
        var registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        new ClassLoaderMetrics().bindTo(registry);
        new JvmMemoryMetrics().bindTo(registry);
        var gc = new JvmGcMetrics();
        gc.bindTo(registry);
        resources.add(gc);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);

        var runtime = config.runtime();
        var conditions = new RuntimeConditions(
                Path.of(runtime.handlers().get(runtime.defaultHandler()).path()), Path.of(config.cni().confDir()));
        var runtimeFamilies = List.<RuntimeServiceGrpc.AsyncService>of(
                new RuntimeInfoHandler(conditions, new PodCidr(), runtime.cgroupDriver(), toJson(config)));
        var imageRoot = Path.of(config.root());
        var images = ImageManager.open(imageRoot, config.images(), registry);
        var imageFamilies = List.<ImageServiceGrpc.AsyncService>of(new ImageServiceHandler(images, imageRoot));

        if (!config.metrics().address().isEmpty()) {
            resources.add(MetricsServer.start(config.metrics().address(), registry));
        }
        var services = List.of(
                ServiceComposer.compose(RuntimeServiceGrpc.getServiceDescriptor(), RuntimeServiceGrpc.AsyncService.class,
                        RuntimeServiceGrpc::bindService, runtimeFamilies),
                ServiceComposer.compose(ImageServiceGrpc.getServiceDescriptor(), ImageServiceGrpc.AsyncService.class,
                        ImageServiceGrpc::bindService, imageFamilies));
        server = CriServer.start(Path.of(config.socket()), services, List.of(new RpcInterceptor(registry)));
    }

    void awaitTermination() throws InterruptedException {
        server.awaitTermination();
    }

    @Override
    public void close() {
        server.close();
        for (var resource : resources.reversed()) {
            try {
                resource.close();
            } catch (Exception e) {
                java.util.logging.Logger.getLogger(Daemon.class.getName()).warning("closing " + resource + ": " + e);
            }
        }
    }

    static String toJson(JcriConfig config) {
        try {
            return new ObjectMapper()
                    .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
                    .enable(SerializationFeature.INDENT_OUTPUT)
                    .writeValueAsString(config);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("config is not serialisable", e);
        }
    }
}
