package jcri.runtime.oci.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/** The container's process ({@code process}); an exec runs a copy with other args. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Process(boolean terminal, User user, List<String> args, List<String> env, String cwd, Capabilities capabilities,
                      boolean noNewPrivileges, long oomScoreAdj, String apparmorProfile) {
    /** This process running {@code args} instead, with a terminal if {@code terminal}. */
    public Process withArgs(List<String> args, boolean terminal) {
        return new Process(terminal, user, List.copyOf(args), env, cwd, capabilities, noNewPrivileges, oomScoreAdj, apparmorProfile);
    }

    /** Numeric ids; {@code additionalGids} null for none. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record User(long uid, long gid, List<Long> additionalGids) {
    }

    /** Capability sets, {@code CAP_} names; {@code inheritable} is written (empty) for root only. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Capabilities(List<String> bounding, List<String> effective, List<String> permitted, List<String> inheritable) {
    }
}
