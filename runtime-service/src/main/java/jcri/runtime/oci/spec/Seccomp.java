package jcri.runtime.oci.spec;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigInteger;
import java.util.List;
import java.util.Map;

/**
 * {@code linux.seccomp}: the runtime spec's fields, and in {@code other} any field of a {@code Localhost} profile
 * file that this record does not name, written back as found so that the profile reaches the OCI runtime as given.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Seccomp(String defaultAction, Integer defaultErrnoRet, List<String> architectures, List<String> flags,
                      String listenerPath, String listenerMetadata, List<Syscall> syscalls,
                      @JsonAnySetter @JsonAnyGetter Map<String, JsonNode> other) {
    /** One rule: {@code action} for {@code names} when all {@code args} match. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Syscall(String action, Integer errnoRet, List<String> names, List<Arg> args,
                          @JsonAnySetter @JsonAnyGetter Map<String, JsonNode> other) {
    }

    /** A condition on argument {@code index}; values are unsigned 64-bit. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Arg(int index, BigInteger value, BigInteger valueTwo, String op) {
    }
}
