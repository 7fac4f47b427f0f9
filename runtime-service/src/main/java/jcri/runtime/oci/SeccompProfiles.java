package jcri.runtime.oci;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import jcri.api.CriException;
import jcri.api.v1.LinuxContainerSecurityContext;
import jcri.api.v1.SecurityProfile;
import jcri.runtime.oci.spec.Seccomp;

/**
 * Seccomp profiles for the OCI spec: jcri's {@code RuntimeDefault} allow-list ({@link RuntimeDefaultSeccomp}),
 * a {@code Localhost} profile read from the node and used as given (fields the record does not name kept as found),
 * or none for {@code Unconfined}.
 */
public final class SeccompProfiles {
    private static final ObjectMapper JSON = new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private SeccompProfiles() {
    }

    /**
     * The {@code linux.seccomp} section a container's security context asks for, or null for none.
     * As in containerd and CRI-O, a context that names no profile (neither {@code seccomp} nor the
     * deprecated {@code seccomp_profile_path}) runs unconfined: the CRI says so, and the kubelet
     * asks for {@code RuntimeDefault} explicitly when the pod wants it.
     */
    public static Seccomp forContext(LinuxContainerSecurityContext security, List<String> capabilities, List<String> architectures) {
        if (security.hasSeccomp()) {
            return forProfile(security.getSeccomp(), capabilities, architectures);
        }
        var path = security.getSeccompProfilePath();
        return switch (path) {
            case "", "unconfined" -> null;
            case "runtime/default", "docker/default" -> RuntimeDefaultSeccomp.profile(capabilities, architectures);
            default -> {
                if (!path.startsWith("localhost/")) {
                    throw CriException.invalid("seccomp_profile_path '%s' is none of unconfined, runtime/default, "
                            + "docker/default or localhost/<path>", path);
                }
                yield localhost(path);
            }
        };
    }

    /** The {@code linux.seccomp} section for {@code profile}, or null for none. */
    private static Seccomp forProfile(SecurityProfile profile, List<String> capabilities, List<String> architectures) {
        return switch (profile.getProfileType()) {
            case Unconfined -> null;
            case Localhost -> localhost(profile.getLocalhostRef());
            case RuntimeDefault, UNRECOGNIZED -> RuntimeDefaultSeccomp.profile(capabilities, architectures);
        };
    }

    private static Seccomp localhost(String ref) {
        var path = Path.of(ref.startsWith("localhost/") ? ref.substring("localhost/".length()) : ref);
        try {
            var profile = JSON.readValue(Files.readString(path), Seccomp.class);
            if (profile == null || profile.defaultAction() == null) {
                throw CriException.invalid("seccomp profile %s is not an OCI seccomp profile (no defaultAction)", path);
            }
            return profile;
        } catch (IOException e) {
            throw CriException.invalid("cannot read seccomp profile %s: %s", path, e.getMessage());
        }
    }
}
