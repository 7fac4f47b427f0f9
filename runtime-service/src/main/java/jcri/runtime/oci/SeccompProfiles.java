package jcri.runtime.oci;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import jcri.api.CriException;
import jcri.api.v1.LinuxContainerSecurityContext;
import jcri.api.v1.SecurityProfile;

/**
 * Seccomp profiles for the OCI spec: jcri's {@code RuntimeDefault} (everything allowed but the
 * syscalls that reach kernel-wide state — modules, kexec, reboot, clocks, swap, keyrings, mount
 * and namespace calls, tracing of other processes, bpf — each re-allowed only when the container
 * holds the capability that governs it, plus {@code clone} of new user namespaces), a
 * {@code Localhost} profile read from the node, or none for {@code Unconfined}.
 */
public final class SeccompProfiles {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int EPERM = 1;
    private static final long CLONE_NEWUSER = 0x10000000L;
    /** Blocked syscalls and the capability that re-allows each ("" = never). */
    private static final Map<String, String> BLOCKED = blocked();

    private SeccompProfiles() {
    }

    private static Map<String, String> blocked() {
        var m = new LinkedHashMap<String, String>();
        for (var s : List.of("mount", "umount", "umount2", "unshare", "setns", "pivot_root", "fsopen", "fsconfig", "fsmount",
                "fspick", "move_mount", "open_tree", "name_to_handle_at", "quotactl", "lookup_dcookie", "bpf", "perf_event_open",
                "fanotify_init", "sethostname", "setdomainname", "syslog")) {
            m.put(s, "CAP_SYS_ADMIN");
        }
        m.put("open_by_handle_at", "CAP_DAC_READ_SEARCH");
        for (var s : List.of("init_module", "finit_module", "delete_module", "create_module", "query_module", "get_kernel_syms")) {
            m.put(s, "CAP_SYS_MODULE");
        }
        for (var s : List.of("kexec_load", "kexec_file_load", "reboot")) {
            m.put(s, "CAP_SYS_BOOT");
        }
        for (var s : List.of("settimeofday", "stime", "clock_settime", "clock_adjtime", "adjtimex")) {
            m.put(s, "CAP_SYS_TIME");
        }
        for (var s : List.of("ptrace", "process_vm_readv", "process_vm_writev", "kcmp")) {
            m.put(s, "CAP_SYS_PTRACE");
        }
        for (var s : List.of("iopl", "ioperm")) {
            m.put(s, "CAP_SYS_RAWIO");
        }
        m.put("acct", "CAP_SYS_PACCT");
        for (var s : List.of("swapon", "swapoff", "add_key", "request_key", "keyctl", "uselib", "userfaultfd", "ustat", "sysfs",
                "_sysctl", "vm86", "vm86old", "nfsservctl")) {
            m.put(s, "");
        }
        return Map.copyOf(m);
    }

    /**
     * The {@code linux.seccomp} section a container's security context asks for, or null for none.
     * As in containerd and CRI-O, a context that names no profile (neither {@code seccomp} nor the
     * deprecated {@code seccomp_profile_path}) runs unconfined: the CRI says so, and the kubelet
     * asks for {@code RuntimeDefault} explicitly when the pod wants it.
     */
    public static ObjectNode forContext(LinuxContainerSecurityContext security, List<String> capabilities) {
        if (security.hasSeccomp()) {
            return forProfile(security.getSeccomp(), capabilities);
        }
        var path = security.getSeccompProfilePath();
        return switch (path) {
            case "", "unconfined" -> null;
            case "runtime/default", "docker/default" -> runtimeDefault(capabilities);
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
    private static ObjectNode forProfile(SecurityProfile profile, List<String> capabilities) {
        return switch (profile.getProfileType()) {
            case Unconfined -> null;
            case Localhost -> localhost(profile.getLocalhostRef());
            case RuntimeDefault, UNRECOGNIZED -> runtimeDefault(capabilities);
        };
    }

    static ObjectNode runtimeDefault(List<String> capabilities) {
        var profile = JSON.createObjectNode();
        profile.put("defaultAction", "SCMP_ACT_ALLOW");
        profile.putArray("architectures").add("SCMP_ARCH_X86_64").add("SCMP_ARCH_X86").add("SCMP_ARCH_X32");
        var rules = profile.putArray("syscalls");
        var names = rules.addObject().put("action", "SCMP_ACT_ERRNO").put("errnoRet", EPERM).putArray("names");
        BLOCKED.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .filter(e -> e.getValue().isEmpty() || !capabilities.contains(e.getValue()))
                .forEach(e -> names.add(e.getKey()));
        if (!capabilities.contains("CAP_SYS_ADMIN")) {
            var clone = rules.addObject().put("action", "SCMP_ACT_ERRNO").put("errnoRet", EPERM);
            clone.putArray("names").add("clone");
            clone.putArray("args").addObject().put("index", 0).put("value", CLONE_NEWUSER).put("valueTwo", CLONE_NEWUSER)
                    .put("op", "SCMP_CMP_MASKED_EQ");
            // clone3 passes its flags in memory seccomp cannot read: make callers fall back to clone
            rules.addObject().put("action", "SCMP_ACT_ERRNO").put("errnoRet", 38).putArray("names").add("clone3");
        }
        return profile;
    }

    private static ObjectNode localhost(String ref) {
        var path = Path.of(ref.startsWith("localhost/") ? ref.substring("localhost/".length()) : ref);
        try {
            JsonNode node = JSON.readTree(Files.readString(path));
            if (!(node instanceof ObjectNode object) || !object.has("defaultAction")) {
                throw CriException.invalid("seccomp profile %s is not an OCI seccomp profile (no defaultAction)", path);
            }
            return object;
        } catch (IOException e) {
            throw CriException.invalid("cannot read seccomp profile %s: %s", path, e.getMessage());
        }
    }
}
