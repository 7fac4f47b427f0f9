package jcri.critest.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import jcri.api.v1.ContainerConfig;
import jcri.api.v1.ContainerMetadata;
import jcri.api.v1.ImageSpec;
import jcri.api.v1.ListPodSandboxRequest;
import jcri.api.v1.PodSandboxConfig;
import jcri.api.v1.PodSandboxFilter;
import jcri.critest.CriClient;
import jcri.critest.Pods;

/**
 * The pods of one benchmark run: each labelled {@code jcri.bench=<run id>} (so {@link #removeAll} finds
 * every one, also those a failed or timed-out call left behind), with one busybox {@code sleep} container,
 * on the runtime handler asked for. Keeps their log directories and deletes them in {@link #removeAll}.
 */
final class BenchPods {
    static final String LABEL = "jcri.bench";

    private final CriClient cri;
    private final String handler;
    private final String runId = UUID.randomUUID().toString().substring(0, 8);
    private final List<Path> logDirs = new ArrayList<>();
    private ContainerConfig container;

    BenchPods(CriClient cri, String handler) {
        this.cri = cri;
        this.handler = handler;
    }

    /** Sets the image the containers run ({@code sleep 3600} from busybox). */
    void image(String image) {
        container = ContainerConfig.newBuilder()
                .setMetadata(ContainerMetadata.newBuilder().setName("sleep"))
                .setImage(ImageSpec.newBuilder().setImage(image))
                .addCommand("sleep").addArgs("3600")
                .putLabels(LABEL, runId)
                .setLogPath("sleep.log")
                .build();
    }

    String runId() {
        return runId;
    }

    synchronized PodSandboxConfig config(String name) {
        var pod = Pods.config(name).putLabels(LABEL, runId).build();
        logDirs.add(Path.of(pod.getLogDirectory()));
        return pod;
    }

    ContainerConfig container() {
        return container;
    }

    String run(PodSandboxConfig pod) {
        return cri.runtime().runPodSandbox(jcri.api.v1.RunPodSandboxRequest.newBuilder().setConfig(pod)
                .setRuntimeHandler(handler).build()).getPodSandboxId();
    }

    String create(String podId, PodSandboxConfig pod) {
        return Pods.create(cri, podId, pod, container);
    }

    /** Stops and removes every pod of this run, {@code concurrency} at a time; returns how many there were. */
    int removeAll(int concurrency) throws InterruptedException {
        var pods = cri.runtime().listPodSandbox(ListPodSandboxRequest.newBuilder()
                .setFilter(PodSandboxFilter.newBuilder().putLabelSelector(LABEL, runId)).build()).getItemsList();
        try (var executor = Executors.newFixedThreadPool(concurrency)) {
            var removals = new ArrayList<Future<?>>();
            for (var pod : pods) {
                removals.add(executor.submit(() -> Pods.destroy(cri, pod.getId())));
            }
            for (var removal : removals) {
                try {
                    removal.get();
                } catch (ExecutionException e) {
                    System.err.println("could not remove a pod: " + e.getCause());
                }
            }
        }
        return pods.size();
    }

    /** Deletes the pods' log directories (after {@link #removeAll}). */
    synchronized void deleteLogs() {
        for (var dir : logDirs) {
            deleteTree(dir);
        }
        logDirs.clear();
    }

    /** Deletes {@code dir} and everything in it, refusing when something is mounted inside. */
    static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try {
            var prefix = dir.toRealPath() + "/";
            var mounted = Files.readAllLines(Path.of("/proc/self/mounts")).stream()
                    .map(l -> l.split(" ")[1]).filter(m -> m.startsWith(prefix)).toList();
            if (!mounted.isEmpty()) {
                throw new IllegalStateException("not deleting " + dir + ": still mounted inside: " + mounted);
            }
            try (var paths = Files.walk(dir)) {
                for (var path : paths.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(path);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + dir, e);
        }
    }
}
