package jcri.image;

import java.util.List;
import java.util.Map;

/**
 * The {@code config} part of an OCI image configuration, which decides how a container runs.
 * Absent values are empty, never null.
 */
public record ImageSpec(
        String user,
        List<String> env,
        List<String> entrypoint,
        List<String> cmd,
        String workingDir,
        String stopSignal,
        Map<String, String> labels,
        List<String> exposedPorts,
        List<String> volumes) {
    public ImageSpec {
        user = user == null ? "" : user;
        env = env == null ? List.of() : List.copyOf(env);
        entrypoint = entrypoint == null ? List.of() : List.copyOf(entrypoint);
        cmd = cmd == null ? List.of() : List.copyOf(cmd);
        workingDir = workingDir == null ? "" : workingDir;
        stopSignal = stopSignal == null ? "" : stopSignal;
        labels = labels == null ? Map.of() : Map.copyOf(labels);
        exposedPorts = exposedPorts == null ? List.of() : List.copyOf(exposedPorts);
        volumes = volumes == null ? List.of() : List.copyOf(volumes);
    }
}
