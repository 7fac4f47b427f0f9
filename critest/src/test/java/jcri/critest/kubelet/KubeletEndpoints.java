package jcri.critest.kubelet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import jcri.image.testing.FreePorts;

/**
 * A standalone kubelet's configuration and its plain-HTTP endpoints on 127.0.0.1: {@code /healthz} and the read-only
 * port's {@code /pods} and {@code /stats/summary}. The configuration turns authentication and authorization off, uses
 * the cgroupfs driver (jcrid's default) and suits this kind of host: no swap check, no OOM score or rlimit changes
 * that need CAP_SYS_RESOURCE, no node-allocatable enforcement, no iptables chains, no image GC or eviction over disk use.
 */
public record KubeletEndpoints(int port, int readOnlyPort, int healthzPort) {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    /** Free ports for a new kubelet. */
    public static KubeletEndpoints pick() throws IOException {
        return new KubeletEndpoints(FreePorts.pick(), FreePorts.pick(), FreePorts.pick());
    }

    /** A KubeletConfiguration running static pods from {@code staticPodPath} on these ports, plus {@code extra} lines. */
    public String config(String staticPodPath, String extra) {
        return """
                apiVersion: kubelet.config.k8s.io/v1beta1
                kind: KubeletConfiguration
                staticPodPath: %s
                fileCheckFrequency: 1s
                address: 127.0.0.1
                port: %d
                readOnlyPort: %d
                healthzBindAddress: 127.0.0.1
                healthzPort: %d
                authentication:
                  anonymous: {enabled: false}
                  webhook: {enabled: false}
                authorization: {mode: AlwaysAllow}
                cgroupDriver: cgroupfs
                failSwapOn: false
                oomScoreAdj: 0
                enforceNodeAllocatable: []
                makeIPTablesUtilChains: false
                serializeImagePulls: false
                imageGCHighThresholdPercent: 100
                imageGCLowThresholdPercent: 99
                evictionHard: {memory.available: 1Mi, nodefs.available: 1%%, nodefs.inodesFree: 1%%, imagefs.available: 1%%}
                """.formatted(staticPodPath, port, readOnlyPort, healthzPort) + extra;
    }

    /** True once the kubelet answers {@code /healthz} with ok. */
    public boolean healthy() throws InterruptedException {
        try {
            return get("http://127.0.0.1:" + healthzPort + "/healthz").equals("ok");
        } catch (IOException notYet) {
            return false;
        }
    }

    /** The pods it runs, with their status, from {@code /pods}: a PodList's items. */
    public JsonNode pods() throws IOException, InterruptedException {
        return JSON.readTree(get("http://127.0.0.1:" + readOnlyPort + "/pods")).path("items");
    }

    /** The pod named {@code name} (a static pod's full name), if the kubelet runs it. */
    public java.util.Optional<KubeletPod> pod(String name) throws IOException, InterruptedException {
        for (var pod : pods()) {
            if (pod.path("metadata").path("name").asText().equals(name)) {
                return java.util.Optional.of(new KubeletPod(pod));
            }
        }
        return java.util.Optional.empty();
    }

    /** Waits until the kubelet reports pod {@code name} such that {@code done}; fails with its status after {@code timeout}. */
    public KubeletPod await(String name, java.util.function.Predicate<KubeletPod> done, String what, Duration timeout)
            throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            var pod = pod(name);
            if (pod.isPresent() && done.test(pod.get())) {
                return pod.get();
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("pod " + name + " not " + what + " within " + timeout + "; the kubelet reports: "
                        + pod.map(p -> p.json().path("status").toPrettyString()).orElse("no such pod"));
            }
            Thread.sleep(200);
        }
    }

    /** Its {@code /stats/summary}. */
    public JsonNode statsSummary() throws IOException, InterruptedException {
        return JSON.readTree(get("http://127.0.0.1:" + readOnlyPort + "/stats/summary"));
    }

    private static String get(String url) throws IOException, InterruptedException {
        var response = HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException(url + " answered " + response.statusCode() + ": " + response.body());
        }
        return response.body();
    }
}
