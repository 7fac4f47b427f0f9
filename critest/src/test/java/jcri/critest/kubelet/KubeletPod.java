package jcri.critest.kubelet;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.stream.StreamSupport;

/** A pod as the kubelet reports it on {@code /pods}: its spec and status, read where specs need them. */
public record KubeletPod(JsonNode json) {
    public String phase() {
        return json.path("status").path("phase").asText();
    }

    /** The pod's Ready condition is True. */
    public boolean ready() {
        return StreamSupport.stream(json.path("status").path("conditions").spliterator(), false)
                .anyMatch(c -> c.path("type").asText().equals("Ready") && c.path("status").asText().equals("True"));
    }

    public String podIp() {
        return json.path("status").path("podIP").asText();
    }

    public String uid() {
        return json.path("metadata").path("uid").asText();
    }

    /** The status of container {@code name} (init containers included); a missing node if it has none yet. */
    public JsonNode container(String name) {
        for (var list : new String[] {"containerStatuses", "initContainerStatuses"}) {
            for (var status : json.path("status").path(list)) {
                if (status.path("name").asText().equals(name)) {
                    return status;
                }
            }
        }
        return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
    }

    public int restarts(String container) {
        return container(container).path("restartCount").asInt();
    }

    /** Container {@code name} is running (and, with probes, ready). */
    public boolean running(String name) {
        return container(name).path("state").has("running");
    }

    /** The CRI container id the kubelet knows container {@code name} by (without its {@code cri-o://}-style scheme). */
    public String containerId(String name) {
        return container(name).path("containerID").asText().replaceFirst("^[a-z]+://", "");
    }
}
