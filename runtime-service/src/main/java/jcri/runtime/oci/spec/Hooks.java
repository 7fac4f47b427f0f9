package jcri.runtime.oci.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/** {@code hooks}: programs the OCI runtime runs at each point of the container's life; a point without any is null. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Hooks(List<Hook> prestart, List<Hook> createRuntime, List<Hook> createContainer, List<Hook> startContainer,
                    List<Hook> poststart, List<Hook> poststop) {
    /** One hook: an absolute {@code path}, its argv and environment, and a timeout in seconds (null: none). */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Hook(String path, List<String> args, List<String> env, Integer timeout) {
    }
}
