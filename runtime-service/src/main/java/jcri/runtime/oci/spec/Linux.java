package jcri.runtime.oci.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;

/**
 * The {@code linux} section. {@code rootfsPropagation}, {@code maskedPaths}, {@code readonlyPaths} and {@code seccomp}
 * are null when not written.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Linux(String rootfsPropagation, List<Namespace> namespaces, String cgroupsPath, Resources resources,
                    List<Device> devices, Map<String, String> sysctl, List<String> maskedPaths, List<String> readonlyPaths,
                    Seccomp seccomp, List<IdMapping> uidMappings, List<IdMapping> gidMappings) {
    /** One range of a user namespace's ID mappings. */
    public record IdMapping(long containerID, long hostID, long size) {
    }

    /** A namespace of its own ({@code path} null) or one to join. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Namespace(String type, String path) {
    }

    /** A device node created in the container; {@code fileMode} null leaves the runtime's default (0666). */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Device(String path, String type, long major, long minor, Integer fileMode, long uid, long gid) {
    }
}
