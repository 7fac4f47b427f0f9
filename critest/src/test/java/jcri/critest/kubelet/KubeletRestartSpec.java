package jcri.critest.kubelet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import jcri.api.v1.ContainerStatusRequest;
import jcri.critest.Logs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Probes, restarts and ends as a real kubelet drives them on jcri: probes of every kind, restarts after a failed
 * liveness probe, a crash loop and an OOM kill, and the phases pods of each restart policy end in.
 */
class KubeletRestartSpec {
    private static final Duration START = Duration.ofSeconds(60);
    @RegisterExtension
    static final KubeletNode node = new KubeletNode();

    /**
     * Probe settings that a loaded machine cannot fail: each answer may take 10 s and 10 misses in a row are
     * needed, so a restart means the probe is wrong, not that the probe was slow (the default 1 s timeout and 3
     * misses restarted the httpd container on a machine with both cores busy).
     */
    private static final String PATIENT = "timeoutSeconds: 10, failureThreshold: 10";

    @Test
    void probesOfEveryKindPassAndThePodGetsReady() throws Exception {
        node.run("probes", """
                  containers:
                  - name: exec
                    image: BUSYBOX
                    command: [sh, -c, "touch /tmp/ok; exec sleep 1000"]
                    startupProbe: {exec: {command: [cat, /tmp/ok]}, periodSeconds: 1, PATIENT}
                    readinessProbe: {exec: {command: [cat, /tmp/ok]}, periodSeconds: 1, PATIENT}
                    livenessProbe: {exec: {command: [cat, /tmp/ok]}, periodSeconds: 1, PATIENT}
                  - name: http
                    image: BUSYBOX
                    command: [sh, -c, "mkdir /www && echo ok > /www/healthz && exec httpd -f -p 8080 -h /www"]
                    startupProbe: {httpGet: {path: /healthz, port: 8080}, periodSeconds: 1, PATIENT}
                    readinessProbe: {httpGet: {path: /healthz, port: 8080}, periodSeconds: 1, PATIENT}
                    livenessProbe: {httpGet: {path: /healthz, port: 8080}, periodSeconds: 1, PATIENT}
                  - name: tcp
                    image: BUSYBOX
                    command: [sh, -c, "mkdir /www && exec httpd -f -p 9090 -h /www"]
                    startupProbe: {tcpSocket: {port: 9090}, periodSeconds: 1, PATIENT}
                    readinessProbe: {tcpSocket: {port: 9090}, periodSeconds: 1, PATIENT}
                    livenessProbe: {tcpSocket: {port: 9090}, periodSeconds: 1, PATIENT}
                """.replace("PATIENT", PATIENT));
        var pod = node.await("probes", p -> p.phase().equals("Running") && p.ready(), "ready", START);
        for (var container : new String[] {"exec", "http", "tcp"}) {
            assertTrue(pod.container(container).path("ready").asBoolean() && pod.container(container).path("started").asBoolean(),
                    pod.container(container).toString());
        }
        Thread.sleep(3000); // some liveness periods
        for (var container : new String[] {"exec", "http", "tcp"}) {
            assertEquals(0, node.pod("probes").orElseThrow().restarts(container), "live: " + container);
        }
    }

    @Test
    void aFailingReadinessProbeKeepsThePodUnready() throws Exception {
        node.run("unready", KubeletNode.main("exec sleep 1000") + "    readinessProbe: {httpGet: {path: /, port: 8080}, periodSeconds: 1}\n");
        var pod = node.await("unready", p -> p.running("main"), "running", START);
        Thread.sleep(3000);
        pod = node.pod("unready").orElseThrow();
        assertTrue(!pod.ready() && !pod.container("main").path("ready").asBoolean(), pod.json().path("status").toString());
    }

    @Test
    void aFailingLivenessProbeRestartsTheContainer() throws Exception {
        node.run("liveness", KubeletNode.main("touch /tmp/ok; sleep 2; rm /tmp/ok; exec sleep 1000")
                + "    livenessProbe: {exec: {command: [cat, /tmp/ok]}, periodSeconds: 1, failureThreshold: 1}\n");
        var pod = node.await("liveness", p -> p.restarts("main") >= 1, "restarted", START);
        assertTrue(pod.container("main").path("lastState").has("terminated"), pod.container("main").toString());
    }

    @Test
    void aCrashingContainerIsRestartedWithBackOffAndItsPreviousLogStaysReadable() throws Exception {
        node.run("crash", KubeletNode.main("echo crashing; exit 3"));
        var pod = node.await("crash", p -> p.restarts("main") >= 1
                && p.container("main").path("state").path("waiting").path("reason").asText().equals("CrashLoopBackOff"),
                "restarted and backing off", START);
        assertTrue(pod.container("main").path("state").path("waiting").path("message").asText().startsWith("back-off 10s"),
                "the first restart is at once, the next backs off: " + pod.container("main"));
        var last = pod.container("main").path("lastState").path("terminated");
        assertEquals(3, last.path("exitCode").asInt(), pod.container("main").toString());
        assertEquals("Error", last.path("reason").asText());
        var previous = node.cri().runtime().containerStatus(ContainerStatusRequest.newBuilder()
                .setContainerId(last.path("containerID").asText().replaceFirst("^[a-z]+://", "")).build()).getStatus();
        assertTrue(previous.getLogPath().startsWith("/var/log/pods/"), previous.getLogPath());
        assertEquals(java.util.List.of("crashing"), Logs.text(Path.of(previous.getLogPath())));
    }

    @Test
    void aContainerPastItsMemoryLimitIsOomKilledAndRestarted() throws Exception {
        node.run("oom", KubeletNode.main("x=0123456789abcdef; while :; do x=$x$x; done") + "    resources: {limits: {memory: 32Mi}}\n");
        var pod = node.await("oom", p -> p.restarts("main") >= 1, "restarted", START);
        var last = pod.container("main").path("lastState").path("terminated");
        assertEquals("OOMKilled", last.path("reason").asText(), pod.container("main").toString());
        assertEquals(137, last.path("exitCode").asInt());
    }

    @Test
    void restartPolicyNeverEndsFailedAndOnFailureEndsSucceeded() throws Exception {
        node.run("never", KubeletNode.main("exit 1") + "  restartPolicy: Never\n");
        node.run("onfailure", KubeletNode.main("test -f /work/failed-once && exit 0; touch /work/failed-once; exit 1") + """
                    volumeMounts: [{name: work, mountPath: /work}]
                  volumes: [{name: work, emptyDir: {}}]
                  restartPolicy: OnFailure
                """);
        var never = node.await("never", p -> p.phase().equals("Failed"), "Failed", START);
        assertEquals(0, never.restarts("main"));
        assertEquals(1, never.container("main").path("state").path("terminated").path("exitCode").asInt());
        var onFailure = node.await("onfailure", p -> p.phase().equals("Succeeded"), "Succeeded", START);
        assertEquals(1, onFailure.restarts("main"), "restarted once after its failure");
    }
}
