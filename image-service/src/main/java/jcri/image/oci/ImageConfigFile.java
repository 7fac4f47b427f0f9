package jcri.image.oci;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Map;
import jcri.image.ImageSpec;

/** The parts of an image configuration blob that jcri reads: platform, runtime config and layer diff ids. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ImageConfigFile(String architecture, String os, String variant, RunConfig config, RootFs rootfs) {
    public ImageConfigFile {
        config = config == null ? new RunConfig(null, null, null, null, null, null, null, null, null) : config;
        rootfs = rootfs == null ? new RootFs("layers", List.of()) : rootfs;
    }

    /** The {@code config} object (Docker's capitalised keys). */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record RunConfig(
            @JsonProperty("User") String user,
            @JsonProperty("Env") List<String> env,
            @JsonProperty("Entrypoint") List<String> entrypoint,
            @JsonProperty("Cmd") List<String> cmd,
            @JsonProperty("WorkingDir") String workingDir,
            @JsonProperty("StopSignal") String stopSignal,
            @JsonProperty("Labels") Map<String, String> labels,
            @JsonProperty("ExposedPorts") Map<String, Object> exposedPorts,
            @JsonProperty("Volumes") Map<String, Object> volumes) {
    }

    /** {@code rootfs}: the uncompressed digests of the layers, base first. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record RootFs(String type, @JsonProperty("diff_ids") List<String> diffIds) {
        public RootFs {
            diffIds = diffIds == null ? List.of() : List.copyOf(diffIds);
        }
    }

    /** The runtime part as the rest of jcri sees it. */
    public ImageSpec spec() {
        return new ImageSpec(config.user(), config.env(), config.entrypoint(), config.cmd(), config.workingDir(),
                config.stopSignal(), config.labels(),
                config.exposedPorts() == null ? null : List.copyOf(config.exposedPorts().keySet()),
                config.volumes() == null ? null : List.copyOf(config.volumes().keySet()));
    }
}
