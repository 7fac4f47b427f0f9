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
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.logging.Logger;
import jcri.api.images.v1.ImagesGrpc;
import jcri.api.v1.ImageServiceGrpc;
import jcri.api.v1.RuntimeServiceGrpc;
import jcri.config.JcriConfig;
import jcri.image.ImageManager;
import jcri.image.RegistryHost;
import jcri.image.cri.ImageArchiveHandler;
import jcri.image.cri.ImageServiceHandler;
import jcri.runtime.info.PodCidr;
import jcri.runtime.info.RuntimeConditions;
import jcri.runtime.container.Conmon;
import jcri.runtime.container.ContainerEvents;
import jcri.runtime.container.ContainerExec;
import jcri.runtime.container.ContainerBundles;
import jcri.runtime.container.ContainerManager;
import jcri.runtime.container.ContainerRecovery;
import jcri.runtime.container.ContainerTable;
import jcri.runtime.container.ExitMonitor;
import jcri.runtime.container.ContainerRecord;
import jcri.runtime.container.Runc;
import jcri.runtime.info.OciRuntimeFeatures;
import jcri.runtime.network.Cni;
import jcri.runtime.cdi.CdiRegistry;
import jcri.runtime.oci.Capabilities;
import jcri.runtime.oci.NodeFacts;
import jcri.runtime.oci.OciSpecBuilder;
import jcri.runtime.sandbox.NamespacePinner;
import jcri.runtime.sandbox.PidNamespaceHolder;
import jcri.runtime.sandbox.PodFilesWriter;
import jcri.runtime.sandbox.SandboxManager;
import jcri.runtime.sandbox.SandboxRecord;
import jcri.runtime.sandbox.UserNamespaceProbe;
import jcri.runtime.stats.StatsCollector;
import jcri.runtime.stream.StreamingServer;
import jcri.runtime.sandbox.PodDialer;
import jcri.runtime.container.ContainerAttach;
import jcri.runtime.container.ImageVolumes;
import jcri.runtime.cgroup.CgroupDriver;
import jcri.runtime.cgroup.CgroupReader;
import jcri.runtime.cgroup.PodCgroup;
import jcri.runtime.cri.ContainerEventsHandler;
import jcri.runtime.cri.ContainerHandler;
import jcri.runtime.cri.MetricsHandler;
import jcri.runtime.cri.PodSandboxHandler;
import jcri.runtime.pod.PodTeardown;
import jcri.snapshot.MountTable;
import jcri.runtime.cri.RuntimeInfoHandler;
import jcri.runtime.cri.StatsHandler;
import jcri.runtime.cri.StreamingHandler;
import jcri.steps.Steps;
import jcri.store.JsonStore;

/** jcrid's object graph: every manager and handler is constructed and wired here, and nowhere else. */
final class Daemon implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(Daemon.class.getName());
    private final List<AutoCloseable> resources = new ArrayList<>();
    private final CriServer server;
    private final ImageManager images;

    Daemon(JcriConfig config) throws IOException {
        var transport = Transport.ofThisProcess();
        LOG.info("transport: " + transport);
        var registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        var gc = new JvmGcMetrics();
        resources.add(gc);
        // The JVM binders load the management classes (~100 ms): on a second core while the rest starts.
        var jvmMetrics = Thread.ofPlatform().name("jvm-metrics").start(() -> {
            new ClassLoaderMetrics().bindTo(registry);
            new JvmMemoryMetrics().bindTo(registry);
            gc.bindTo(registry);
            new JvmThreadMetrics().bindTo(registry);
            new ProcessorMetrics().bindTo(registry);
            new UptimeMetrics().bindTo(registry);
        });

        resources.add(OrphanReaper.start());
        var runtime = config.runtime();
        var conditions = new RuntimeConditions(
                Path.of(runtime.handlers().get(runtime.defaultHandler()).path()), Path.of(config.cni().confDir()));
        var root = Path.of(config.root());
        var state = Path.of(config.state());
        images = ImageManager.open(root, config.images(), registry,
                snapshot -> ImageVolumes.container(snapshot).map(id -> "image volume of container " + id));
        var imageFamilies = List.<ImageServiceGrpc.AsyncService>of(new ImageServiceHandler(images, root));

        var driver = CgroupDriver.named(runtime.cgroupDriver());
        boolean systemd = driver.systemd();
        var steps = Steps.of(registry);
        var cni = new Cni(Path.of(config.cni().confDir()), config.cni().binDirs().stream().map(Path::of).toList(), root.resolve("cni"));
        var pinner = new NamespacePinner();
        var usernsProblem = UserNamespaceProbe.problem(Files.createDirectories(state), root.resolve("userns-probe"), pinner);
        usernsProblem.ifPresent(problem -> LOG.info("pods cannot have user namespaces of their own on this node: " + problem));
        var runtimes = new HashMap<String, Runc>();
        var kernel = System.getProperty("os.version");
        runtime.handlers().forEach((name, handler) -> {
            var features = OciRuntimeFeatures.probe(Path.of(handler.path()), kernel).withUserNamespaces(usernsProblem.isEmpty());
            LOG.info("runtime handler " + name + " (" + handler.path() + ", Linux " + kernel + "): recursive read-only mounts "
                    + (features.recursiveReadOnly() ? "yes" : "no") + ", user namespaces " + (features.userNamespaces() ? "yes" : "no"));
            runtimes.put(name, new Runc(Path.of(handler.path()),
                    handler.root().isEmpty() ? state.resolve("runtime").resolve(name) : Path.of(handler.root()), systemd, features));
        });
        var usernsHandlers = new TreeSet<String>();
        runtimes.forEach((name, runc) -> {
            if (runc.features().userNamespaces()) {
                usernsHandlers.add(name);
            }
        });
        var sandboxes = new SandboxManager(
                new SandboxManager.Settings(state, runtime.handlers().keySet(), runtime.defaultHandler(), runtime.defaultCgroupParent(),
                        usernsHandlers),
                new JsonStore<>(root.resolve("pods"), SandboxRecord.class), pinner, new PodFilesWriter(), cni,
                new PidNamespaceHolder(Path.of("/usr/bin/tini")), new PodCgroup(Path.of("/sys/fs/cgroup"), driver), steps);
        var cgroups = CgroupReader.system();
        var events = new ContainerEvents(registry, 1024);
        var conmon = new Conmon(Path.of(runtime.conmon()), state.resolve("exits"), state.resolve("attach"), systemd);
        var table = new ContainerTable(new JsonStore<>(root.resolve("containers"), ContainerRecord.class), events);
        var bundles = new ContainerBundles(state.resolve("containers"), images.snapshotter(), conmon, MountTable::unmount,
                new ImageVolumes(images, images.snapshotter(), MountTable::mountAll, MountTable::unmount));
        var exitMonitor = new ExitMonitor(table, bundles, Map.copyOf(runtimes), task -> Thread.ofVirtual().name("runtime-delete").start(task));
        resources.add(exitMonitor);
        var containers = new ContainerManager(table, bundles, exitMonitor, driver, sandboxes, images, images.snapshotter(),
                new OciSpecBuilder(Capabilities.ofThisProcess(), ownOomScoreAdj(), NodeFacts.ofThisNode(),
                        new CdiRegistry(config.cdi().specDirs().stream().map(Path::of).toList())),
                conmon, Map.copyOf(runtimes), cgroups, steps);
        recover(sandboxes, new ContainerRecovery(table, bundles, images.snapshotter(), Map.copyOf(runtimes), exitMonitor), exitMonitor);
        StateGauges.register(registry, containers, sandboxes);
        var exec = new ContainerExec(containers, conmon);
        var stats = new StatsCollector(containers, images.snapshotter(), cgroups);
        var attach = new ContainerAttach(containers, conmon);
        var dialer = new PodDialer(sandboxes);
        var streaming = StreamingServer.start(config.streaming(), exec, attach, dialer, registry);
        resources.add(streaming);
        var runtimeFamilies = List.<RuntimeServiceGrpc.AsyncService>of(
                new RuntimeInfoHandler(conditions, new PodCidr(), runtime.cgroupDriver(), toJson(config), handlerFeatures(runtimes),
                        runtime.defaultHandler()),
                new PodSandboxHandler(sandboxes, new PodTeardown(sandboxes, containers, runtime.defaultStopTimeoutSeconds())),
                new ContainerHandler(containers),
                new ContainerEventsHandler(events, sandboxes),
                new StreamingHandler(exec, containers, attach, dialer, streaming),
                new StatsHandler(stats, containers, sandboxes, root.resolve("snapshots")),
                new MetricsHandler(stats, sandboxes));

        if (!config.metrics().address().isEmpty()) {
            resources.add(MetricsServer.start(config.metrics().address(), registry));
        }
        var services = List.of(
                ServiceComposer.compose(RuntimeServiceGrpc.getServiceDescriptor(), RuntimeServiceGrpc.AsyncService.class,
                        RuntimeServiceGrpc::bindService, runtimeFamilies),
                ServiceComposer.compose(ImageServiceGrpc.getServiceDescriptor(), ImageServiceGrpc.AsyncService.class,
                        ImageServiceGrpc::bindService, imageFamilies),
                ImagesGrpc.bindService(new ImageArchiveHandler(images)));
        server = CriServer.start(Path.of(config.socket()), transport, services, List.of(new RpcInterceptor(registry)));
        try {
            jvmMetrics.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted during start-up", e);
        }
    }

    /**
     * Start-up recovery, after the managers exist and before anything serves: pods first (containers are
     * in them), then containers; then the exit monitor handles what it saw meanwhile and all that follows.
     * The image store recovered as it opened.
     */
    private static void recover(SandboxManager sandboxes, ContainerRecovery containers, ExitMonitor exitMonitor) throws IOException {
        try {
            sandboxes.recover();
            containers.recover();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted during recovery", e);
        }
        exitMonitor.start();
    }

    /** Applies reloaded {@code [images.registries]} settings to the pulls that start from now on. */
    void configureRegistries(Map<String, RegistryHost> hosts) {
        images.configureRegistries(hosts);
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
                LOG.warning("closing " + resource + ": " + e);
            }
        }
    }

    private static Map<String, OciRuntimeFeatures> handlerFeatures(Map<String, Runc> runtimes) {
        var features = new HashMap<String, OciRuntimeFeatures>();
        runtimes.forEach((name, runc) -> features.put(name, runc.features()));
        return features;
    }

    private static int ownOomScoreAdj() throws IOException {
        return Integer.parseInt(Files.readString(Path.of("/proc/self/oom_score_adj")).strip());
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
