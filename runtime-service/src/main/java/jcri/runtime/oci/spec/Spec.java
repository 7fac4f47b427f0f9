package jcri.runtime.oci.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;

/**
 * An OCI runtime spec ({@code config.json}), the sections jcri writes. Null fields are left out; empty lists and maps
 * are written as such.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Spec(String ociVersion, Process process, Root root, Map<String, String> annotations, Linux linux, List<Mount> mounts,
                   Hooks hooks) {
    /** The container's root filesystem. */
    public record Root(String path, boolean readonly) {
    }

    /** One mount: {@code options} as mount(8) takes them, plus {@code rbind} and the propagation; {@code type} may be null. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Mount(String destination, String type, String source, List<String> options) {
    }
}
