package jcri.critest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import jcri.api.v1.LinuxPodSandboxConfig;
import jcri.api.v1.StopContainerRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Leak freedom under churn: 200 pods, each with a running container, created and removed four at a
 * time; afterwards nothing is left that belongs to no live object (see {@link Leaks}), and the
 * runtime's step timings and state gauges account for the work.
 */
class ChurnSpec {
    private static final int PODS = 200;
    private static final int PARALLEL = 4;
    private static final String CGROUP_PARENT = "critest-churn-" + ProcessHandle.current().pid();

    @AfterAll
    static void removeCgroups() {
        Leaks.removeCgroup(CGROUP_PARENT);
    }

    @Test
    void twoHundredPodsComeAndGoWithoutLeaks() throws Exception {
        var daemon = Target.daemon();
        Assumptions.assumeTrue(daemon.isPresent(), "the leak check reads the daemon's own directories");
        var cri = Target.client();
        Pods.busybox(cri);
        long started = System.nanoTime();
        try (var pool = Executors.newFixedThreadPool(PARALLEL)) {
            var rounds = new ArrayList<Future<?>>();
            for (int i = 0; i < PODS; i++) {
                var name = "churn-" + i;
                rounds.add(pool.submit(() -> {
                    var pod = Pods.config(name).setLinux(LinuxPodSandboxConfig.newBuilder().setCgroupParent("/" + CGROUP_PARENT)).build();
                    var podId = Pods.run(cri, pod);
                    try {
                        var id = Pods.start(cri, podId, pod, Pods.shell(cri, "c", "exec sleep 1000").build());
                        cri.runtime().stopContainer(StopContainerRequest.newBuilder().setContainerId(id).setTimeout(0).build());
                    } finally {
                        Pods.destroy(cri, podId);
                        jcri.store.Trees.delete(java.nio.file.Path.of(pod.getLogDirectory()));
                    }
                    return null;
                }));
            }
            for (var round : rounds) {
                round.get();
            }
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        var leaks = Leaks.find(cri, daemon.get().dir(), CGROUP_PARENT);
        System.out.printf("churn: %d pods with a container each in %.1f s (%.1f pods/s), leaks: %d%n",
                PODS, seconds, PODS / seconds, leaks.size());
        assertEquals(List.of(), leaks);

        var metrics = daemon.get().metrics();
        for (var step : List.of("netns_pin", "cni_add", "cni_del", "rootfs_mount", "runc_create", "runc_start")) {
            assertTrue(metrics.value("container_runtime_jcri_operation_step_seconds_count{step=\"" + step + "\"}") >= PODS, step + " timed for each pod");
        }
        assertTrue(metrics.contains("container_runtime_jcri_containers{state=\"running\"}"), "containers by state");
        assertTrue(metrics.contains("container_runtime_jcri_pod_sandboxes{state=\"ready\"}"), "pods by state");
        assertTrue(metrics.contains("container_runtime_jcri_containers_oom_total"), "OOM kills");
    }
}
