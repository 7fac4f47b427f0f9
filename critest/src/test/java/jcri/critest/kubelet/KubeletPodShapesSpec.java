package jcri.critest.kubelet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import jcri.critest.Logs;
import jcri.critest.Scratch;
import jcri.critest.TestNetwork;
import jcri.image.testing.FreePorts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Pods of the shapes a cluster sends, run by a real kubelet on jcri: volumes, ports, init containers, security contexts. */
class KubeletPodShapesSpec {
    private static final Duration START = Duration.ofSeconds(60);
    private static final Duration LOGGED = Duration.ofSeconds(20);
    private static final String SERVE = "mkdir -p /www && echo hello-from-%s > /www/index.html && exec httpd -f -p %d -h /www";
    @RegisterExtension
    static final KubeletNode node = new KubeletNode();

    private static KubeletPod awaitRunning(String name) throws Exception {
        return node.await(name, p -> p.phase().equals("Running") && p.ready(), "running and ready", START);
    }

    @Test
    void aBusyboxPodWithNothingButImageAndCommandRuns() throws Exception {
        node.run("plain", KubeletNode.main("echo started; exec sleep 1000"));
        var pod = awaitRunning("plain");
        assertEquals(0, pod.restarts("main"));
        Logs.await(KubeletNode.log(pod, "main", 0), "started", LOGGED);
        var warnings = node.jcrid().log().lines().filter(l -> l.contains("level=warn") && l.contains("hugetlb")).toList();
        assertEquals(1, warnings.size(), "the kubelet's hugepage limits are dropped on this host, with one warning: " + warnings);
    }

    @Test
    void aContainerPortWithoutHostPortServesOnThePodIp() throws Exception {
        node.run("web", KubeletNode.main(SERVE.formatted("web", 8080)) + "    ports: [{containerPort: 8080}]\n");
        var pod = awaitRunning("web");
        assertTrue(pod.podIp().startsWith(TestNetwork.SUBNET_PREFIX), pod.podIp());
        assertEquals("hello-from-web", awaitGet("http://" + pod.podIp() + ":8080/"));
    }

    @Test
    void aHostPortReachesThePodFromTheHost() throws Exception {
        int hostPort = FreePorts.pick();
        node.run("hostport", KubeletNode.main(SERVE.formatted("hostport", 80))
                + "    ports: [{containerPort: 80, hostPort: %d}]\n".formatted(hostPort));
        awaitRunning("hostport");
        assertEquals("hello-from-hostport", awaitGet("http://" + TestNetwork.SUBNET_PREFIX + "1:" + hostPort + "/"));
    }

    @Test
    void initContainersRunFirstAndShareAnEmptyDirWithTheMainContainer() throws Exception {
        node.run("init", """
                  initContainers:
                  - {name: first, image: BUSYBOX, command: [sh, -c, "echo one > /work/steps"], volumeMounts: [{name: work, mountPath: /work}]}
                  - {name: second, image: BUSYBOX, command: [sh, -c, "echo two >> /work/steps"], volumeMounts: [{name: work, mountPath: /work}]}
                  containers:
                  - {name: main, image: BUSYBOX, command: [sh, -c, "cat /work/steps; exec sleep 1000"], volumeMounts: [{name: work, mountPath: /work}]}
                  volumes: [{name: work, emptyDir: {}}]
                """);
        var pod = awaitRunning("init");
        for (var init : List.of("first", "second")) {
            var terminated = pod.container(init).path("state").path("terminated");
            assertEquals("Completed", terminated.path("reason").asText(), init + ": " + pod.container(init));
            assertEquals(0, terminated.path("exitCode").asInt());
        }
        Logs.await(KubeletNode.log(pod, "main", 0), lines -> lines.equals(List.of("one", "two")), "the init containers' lines", LOGGED);
    }

    @Test
    void aHostPathVolumeIsTheHostsDirectory() throws Exception {
        var host = Scratch.dir("critest-kubelet-hostpath-");
        Files.writeString(host.resolve("from-host"), "host-data\n");
        node.run("hostpath", KubeletNode.main("cat /host/from-host; echo pod-data > /host/from-pod; exec sleep 1000") + """
                    volumeMounts: [{name: host, mountPath: /host}]
                  volumes: [{name: host, hostPath: {path: %s, type: Directory}}]
                """.formatted(host));
        var pod = awaitRunning("hostpath");
        Logs.await(KubeletNode.log(pod, "main", 0), "host-data", LOGGED);
        assertEquals("pod-data\n", Files.readString(host.resolve("from-pod")));
    }

    @Test
    void aRestrictedSecurityContextHoldsInsideTheContainer() throws Exception {
        node.run("restricted", KubeletNode.main("id -u; id -g; id -G; stat -c 'data-group %g' /data;"
                + " grep -E '^(CapEff|CapBnd|NoNewPrivs|Seccomp):' /proc/self/status;"
                + " touch /rootfs-probe 2>/dev/null && echo rootfs-writable || echo rootfs-read-only;"
                + " touch /data/probe && echo data-writable; exec sleep 1000") + """
                    securityContext:
                      readOnlyRootFilesystem: true
                      allowPrivilegeEscalation: false
                      capabilities: {drop: [ALL]}
                    volumeMounts: [{name: data, mountPath: /data}]
                  volumes: [{name: data, emptyDir: {}}]
                  securityContext: {runAsUser: 1000, runAsGroup: 3000, fsGroup: 2000, seccompProfile: {type: RuntimeDefault}}
                """);
        var pod = awaitRunning("restricted");
        var lines = Logs.await(KubeletNode.log(pod, "main", 0), l -> l.contains("data-writable") || l.contains("rootfs-writable"),
                "the checks' output", LOGGED);
        assertEquals("1000", lines.get(0), "uid: " + lines);
        assertEquals("3000", lines.get(1), "gid: " + lines);
        assertTrue(List.of(lines.get(2).split(" ")).containsAll(List.of("3000", "2000")), "groups with the fsGroup: " + lines);
        assertTrue(lines.contains("data-group 2000"), "the emptyDir belongs to the fsGroup: " + lines);
        assertTrue(lines.contains("CapEff:\t0000000000000000") && lines.contains("CapBnd:\t0000000000000000"), "no capabilities: " + lines);
        assertTrue(lines.contains("NoNewPrivs:\t1"), "no privilege escalation: " + lines);
        assertTrue(lines.contains("Seccomp:\t2"), "a seccomp filter: " + lines);
        assertTrue(lines.contains("rootfs-read-only") && lines.contains("data-writable"), lines.toString());
    }

    @Test
    void requestsAndLimitsAreTheContainersCgroupValues() throws Exception {
        node.run("limits", KubeletNode.main("cd /sys/fs/cgroup;"
                + " cat cpu/cpu.shares cpu/cpu.cfs_quota_us cpu/cpu.cfs_period_us memory/memory.limit_in_bytes; exec sleep 1000")
                + "    resources: {requests: {cpu: 100m, memory: 32Mi}, limits: {cpu: 250m, memory: 64Mi}}\n");
        var pod = awaitRunning("limits");
        assertEquals("Burstable", pod.json().path("status").path("qosClass").asText());
        var lines = Logs.await(KubeletNode.log(pod, "main", 0), l -> l.size() >= 4, "the cgroup values", LOGGED);
        assertEquals(List.of("102", "25000", "100000", Long.toString(64L << 20)), lines, "cpu.shares, CFS quota and period, memory limit");
    }

    /** GETs {@code url} until it answers 200 (the server may still be starting) and returns the body's first line. */
    private static String awaitGet(String url) throws Exception {
        try (var http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build()) {
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (true) {
                try {
                    var response = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
                            HttpResponse.BodyHandlers.ofString());
                    if (response.statusCode() == 200) {
                        return response.body().strip();
                    }
                } catch (java.io.IOException notYet) {
                    if (System.nanoTime() > deadline) {
                        throw notYet;
                    }
                }
                Thread.sleep(200);
            }
        }
    }
}
