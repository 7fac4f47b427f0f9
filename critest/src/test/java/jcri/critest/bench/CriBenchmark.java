package jcri.critest.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;
import jcri.api.v1.ContainerFilter;
import jcri.api.v1.ContainerState;
import jcri.api.v1.ContainerStateValue;
import jcri.api.v1.ContainerStatsFilter;
import jcri.api.v1.ContainerStatusRequest;
import jcri.api.v1.ImageSpec;
import jcri.api.v1.ImageStatusRequest;
import jcri.api.v1.ListContainerStatsRequest;
import jcri.api.v1.ListContainersRequest;
import jcri.api.v1.ListImagesRequest;
import jcri.api.v1.PodSandboxStatusRequest;
import jcri.api.v1.PullImageRequest;
import jcri.api.v1.RemoveContainerRequest;
import jcri.api.v1.RemoveImageRequest;
import jcri.api.v1.RemovePodSandboxRequest;
import jcri.api.v1.StartContainerRequest;
import jcri.api.v1.StopContainerRequest;
import jcri.api.v1.StopPodSandboxRequest;
import jcri.api.v1.VersionRequest;
import jcri.critest.CriClient;
import jcri.critest.Pods;
import jcri.critest.TestRegistry;
import jcri.image.oci.MediaTypes.Compression;
import jcri.image.testing.ImageBuilder;
import jcri.image.testing.LayerBuilder;

/**
 * Benchmarks any CRI runtime over its socket: latency of each pod and container lifecycle RPC, pods
 * started in parallel, pull + unpack throughput, list latencies and daemon + monitor memory with many
 * running containers. Images come from the test registry on 127.0.0.1 (built from busybox-static), pods
 * use the test CNI network ({@code -Dcritest.net=N}). Removes every pod and image it created, also on
 * failure. Prints one table and writes the figures as JSON ({@code --json}); options in
 * {@link BenchmarkOptions#USAGE}. Run it with {@code critest/bin/cri-benchmark}.
 */
public final class CriBenchmark {
    private static final int WARM_UP = 3;
    private static final int WARM_QUERIES = 2000;
    private static final int WARM_SAMPLES = 500;
    private static final String FROM_SCRATCH = "Run+Create+StartContainer (from scratch)";

    private final BenchmarkOptions options;
    private final RuntimeUnderTest runtime;
    private final CriClient cri;
    private final BenchPods pods;
    private final List<String> running = new ArrayList<>();

    private CriBenchmark(BenchmarkOptions options, RuntimeUnderTest runtime, CriClient cri) {
        this.options = options;
        this.runtime = runtime;
        this.cri = cri;
        this.pods = new BenchPods(cri, options.handler());
    }

    public static void main(String[] args) throws Exception {
        BenchmarkOptions options;
        try {
            options = BenchmarkOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        var dir = Files.createTempDirectory("cri-bench-");
        BenchmarkResult result;
        try (var runtime = start(options, dir); var cri = new CriClient(runtime.endpoint())) {
            result = new CriBenchmark(options, runtime, cri).runAndCleanUp();
        } finally {
            BenchPods.deleteTree(dir);
        }
        ResultTable.print(List.of(result), System.out);
        if (options.json() != null) {
            new ObjectMapper().writerWithDefaultPrettyPrinter().writeValue(options.json().toFile(), result);
            System.out.println("\nwrote " + options.json());
        }
        System.exit(0); // the gRPC and registry threads would keep the JVM up
    }

    private static RuntimeUnderTest start(BenchmarkOptions options, Path dir) throws Exception {
        if (options.containerd()) {
            return RuntimeUnderTest.containerd(dir);
        }
        if (options.endpoint() != null) {
            return RuntimeUnderTest.external(options.endpoint(), options.daemonPid(),
                    options.monitor() == null ? "conmon" : options.monitor());
        }
        return RuntimeUnderTest.jcrid(dir);
    }

    private BenchmarkResult runAndCleanUp() throws Exception {
        Set<String> imagesBefore = imageIds();
        BenchmarkResult result;
        try {
            result = run();
        } catch (Exception | Error failure) {
            try {
                cleanUp(imagesBefore);
            } catch (Exception | Error cleanUp) {
                failure.addSuppressed(cleanUp);
            }
            throw failure;
        }
        cleanUp(imagesBefore);
        return result;
    }

    /** Removes this run's pods (also those a failure left), their logs, and every image that was not there before. */
    private void cleanUp(Set<String> imagesBefore) throws InterruptedException {
        int left = pods.removeAll(10);
        if (left > 0) {
            System.err.println("removed " + left + " pods left by the benchmark");
        }
        pods.deleteLogs();
        for (var id : imageIds()) {
            if (!imagesBefore.contains(id)) {
                cri.images().removeImage(RemoveImageRequest.newBuilder().setImage(ImageSpec.newBuilder().setImage(id)).build());
            }
        }
    }

    private BenchmarkResult run() throws Exception {
        var version = cri.runtime().version(VersionRequest.getDefaultInstance());
        var runtimeName = version.getRuntimeName() + " " + version.getRuntimeVersion();
        var label = options.label() != null ? options.label() : version.getRuntimeName();
        pods.image(Pods.busybox(cri));
        System.err.printf("benchmarking %s (%s) at %s, run id %s%n", label, runtimeName, runtime.endpoint(), pods.runId());
        var latencies = lifecycle();
        var parallel = new ArrayList<BenchmarkResult.ParallelStart>();
        for (int i = 0; i < options.concurrency().size(); i++) {
            if (i > 0) {
                pods.removeAll(options.concurrency().get(i - 1));
                running.clear();
            }
            parallel.add(parallelStart(options.concurrency().get(i)));
        }
        expectRunning(options.pods());
        latencies.putAll(listLatencies());
        latencies.putAll(warmQueries());
        var memory = memory();
        pods.removeAll(options.concurrency().getLast());
        running.clear();
        var pull = pull();
        return new BenchmarkResult(label, runtime.endpoint(), runtimeName, options.handler(), options.runs(), latencies,
                parallel, pull, memory);
    }

    /** Each lifecycle RPC of one pod with one container, {@code runs} times after the warm-up. */
    private Map<String, Latency> lifecycle() {
        var samples = new LinkedHashMap<String, List<Double>>();
        for (int i = -WARM_UP; i < options.runs(); i++) {
            var into = i < 0 ? new LinkedHashMap<String, List<Double>>() : samples;
            var pod = pods.config("lifecycle-" + i);
            long start = System.nanoTime();
            var podId = time(into, "RunPodSandbox", () -> pods.run(pod));
            var id = time(into, "CreateContainer", () -> pods.create(podId, pod));
            time(into, "StartContainer", () -> cri.runtime().startContainer(StartContainerRequest.newBuilder().setContainerId(id).build()));
            into.computeIfAbsent(FROM_SCRATCH, k -> new ArrayList<>()).add(millisSince(start));
            time(into, "ContainerStatus", () -> cri.runtime().containerStatus(ContainerStatusRequest.newBuilder().setContainerId(id).build()));
            time(into, "PodSandboxStatus", () -> cri.runtime().podSandboxStatus(PodSandboxStatusRequest.newBuilder().setPodSandboxId(podId).build()));
            time(into, "StopContainer (timeout 0)", () -> cri.runtime().stopContainer(StopContainerRequest.newBuilder().setContainerId(id).setTimeout(0).build()));
            time(into, "RemoveContainer", () -> cri.runtime().removeContainer(RemoveContainerRequest.newBuilder().setContainerId(id).build()));
            time(into, "StopPodSandbox", () -> cri.runtime().stopPodSandbox(StopPodSandboxRequest.newBuilder().setPodSandboxId(podId).build()));
            time(into, "RemovePodSandbox", () -> cri.runtime().removePodSandbox(RemovePodSandboxRequest.newBuilder().setPodSandboxId(podId).build()));
        }
        return summaries(samples);
    }

    /** Starts {@code --pods} pods of one container each, {@code concurrency} at a time; they keep running. */
    private BenchmarkResult.ParallelStart parallelStart(int concurrency) throws Exception {
        var configs = new ArrayList<jcri.api.v1.PodSandboxConfig>();
        for (int i = 0; i < options.pods(); i++) {
            configs.add(pods.config("parallel-" + concurrency + "-" + i));
        }
        var latencies = new ArrayList<Double>();
        long start = System.nanoTime();
        try (var executor = Executors.newFixedThreadPool(concurrency)) {
            var starts = new ArrayList<Future<String>>();
            for (var pod : configs) {
                starts.add(executor.submit(() -> {
                    long t0 = System.nanoTime();
                    var podId = pods.run(pod);
                    var id = pods.create(podId, pod);
                    cri.runtime().startContainer(StartContainerRequest.newBuilder().setContainerId(id).build());
                    synchronized (latencies) {
                        latencies.add(millisSince(t0));
                    }
                    return id;
                }));
            }
            for (var s : starts) {
                running.add(s.get());
            }
        }
        double seconds = millisSince(start) / 1000;
        return new BenchmarkResult.ParallelStart(concurrency, options.pods(), seconds, options.pods() / seconds, Latency.of(latencies));
    }

    /** Fails unless this run's {@code count} containers are all running. */
    private void expectRunning(int count) {
        var listed = cri.runtime().listContainers(ListContainersRequest.newBuilder().setFilter(ContainerFilter.newBuilder()
                .putLabelSelector(BenchPods.LABEL, pods.runId())
                .setState(ContainerStateValue.newBuilder().setState(ContainerState.CONTAINER_RUNNING))).build()).getContainersCount();
        if (listed != count) {
            throw new IllegalStateException("expected " + count + " running containers, the runtime lists " + listed);
        }
    }

    /** ListContainers and ListContainerStats (no filter, as the kubelet calls them) with the containers running. */
    private Map<String, Latency> listLatencies() {
        var samples = new LinkedHashMap<String, List<Double>>();
        var suffix = " (" + running.size() + " running)";
        for (int i = -WARM_UP; i < options.runs(); i++) {
            var into = i < 0 ? new LinkedHashMap<String, List<Double>>() : samples;
            time(into, "ListContainers" + suffix, () -> cri.runtime().listContainers(ListContainersRequest.getDefaultInstance()));
            time(into, "ListContainerStats" + suffix, () -> cri.runtime().listContainerStats(ListContainerStatsRequest.newBuilder()
                    .setFilter(ContainerStatsFilter.getDefaultInstance()).build()));
        }
        return summaries(samples);
    }

    /**
     * The small queries a kubelet repeats, once the runtime has answered {@value #WARM_QUERIES} of each: a daemon's
     * steady state (a JVM's first few hundred calls run interpreted; upstream critest's benchmark measures only those).
     */
    private Map<String, Latency> warmQueries() {
        var id = running.getFirst();
        var pod = cri.runtime().listContainers(ListContainersRequest.newBuilder().setFilter(ContainerFilter.newBuilder().setId(id)).build())
                .getContainers(0).getPodSandboxId();
        var image = ImageSpec.newBuilder().setImage(Pods.busybox(cri)).build();
        var samples = new LinkedHashMap<String, List<Double>>();
        for (int i = -WARM_QUERIES; i < WARM_SAMPLES; i++) {
            var into = i < 0 ? new LinkedHashMap<String, List<Double>>() : samples;
            time(into, "ContainerStatus (warm)", () -> cri.runtime().containerStatus(ContainerStatusRequest.newBuilder().setContainerId(id).build()));
            time(into, "PodSandboxStatus (warm)", () -> cri.runtime().podSandboxStatus(PodSandboxStatusRequest.newBuilder().setPodSandboxId(pod).build()));
            time(into, "ImageStatus (warm)", () -> cri.images().imageStatus(ImageStatusRequest.newBuilder().setImage(image).build()));
            time(into, "ListImages (warm)", () -> cri.images().listImages(ListImagesRequest.getDefaultInstance()));
        }
        return summaries(samples);
    }

    /** The daemon's memory and that of the monitors of the running containers (found as ancestors of their pids). */
    private BenchmarkResult.Memory memory() {
        var monitorName = options.monitor() != null ? options.monitor() : runtime.monitor();
        var json = new ObjectMapper();
        var monitors = new HashSet<Long>();
        for (var id : running) {
            var info = cri.runtime().containerStatus(ContainerStatusRequest.newBuilder().setContainerId(id).setVerbose(true).build())
                    .getInfoMap().get("info");
            long pid;
            try {
                pid = info == null ? 0 : json.readTree(info).path("pid").asLong();
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new IllegalStateException("verbose ContainerStatus of " + id + " is not JSON: " + info, e);
            }
            if (pid <= 0) {
                throw new IllegalStateException("verbose ContainerStatus of " + id + " gives no pid: " + info);
            }
            monitors.add(ProcessMemory.ancestorNamed(pid, monitorName));
        }
        var total = new ProcessMemory.Usage(0, 0);
        for (var pid : monitors) {
            total = total.plus(ProcessMemory.of(pid));
        }
        int n = running.size();
        return new BenchmarkResult.Memory(n, runtime.daemonPid(), ProcessMemory.of(runtime.daemonPid()), monitorName,
                monitors.size(), total, new ProcessMemory.Usage(total.rssKib() / n, total.pssKib() / n));
    }

    /** Pull + unpack of a generated image of incompressible layers, after one warm-up pull; removed after each. */
    private BenchmarkResult.Pull pull() {
        var builder = ImageBuilder.oci();
        long layerBytes = ((long) options.pullMiB() << 20) / options.pullLayers();
        for (int i = 0; i < options.pullLayers(); i++) {
            builder.layer(new LayerBuilder().dir("l" + i).randomFile("l" + i + "/data", layerBytes, i), Compression.GZIP);
        }
        var image = builder.build();
        long bytes = image.layers().stream().mapToLong(l -> l.blob().size()).sum();
        var reference = TestRegistry.push("bench/pull-" + pods.runId(), "v1", image);
        var spec = ImageSpec.newBuilder().setImage(reference).build();
        var seconds = new ArrayList<Double>();
        for (int i = -1; i < options.pullRuns(); i++) {
            long start = System.nanoTime();
            cri.images().pullImage(PullImageRequest.newBuilder().setImage(spec).build());
            if (i >= 0) {
                seconds.add(millisSince(start) / 1000);
            }
            cri.images().removeImage(RemoveImageRequest.newBuilder().setImage(spec).build());
        }
        double median = seconds.stream().sorted().toList().get(seconds.size() / 2);
        return new BenchmarkResult.Pull(reference, options.pullLayers(), bytes, options.pullRuns(), median, bytes / 1e6 / median,
                List.copyOf(seconds));
    }

    private Set<String> imageIds() {
        var ids = new HashSet<String>();
        cri.images().listImages(ListImagesRequest.getDefaultInstance()).getImagesList().forEach(i -> ids.add(i.getId()));
        return ids;
    }

    private static <T> T time(Map<String, List<Double>> into, String name, Supplier<T> call) {
        long start = System.nanoTime();
        var result = call.get();
        into.computeIfAbsent(name, k -> new ArrayList<>()).add(millisSince(start));
        return result;
    }

    private static double millisSince(long start) {
        return (System.nanoTime() - start) / 1e6;
    }

    private static Map<String, Latency> summaries(Map<String, List<Double>> samples) {
        var result = new LinkedHashMap<String, Latency>();
        samples.forEach((name, values) -> result.put(name, Latency.of(values)));
        return result;
    }
}
