package jcri.runtime.sandbox;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Pattern;
import jcri.api.CriException;

/**
 * Which sysctls a pod may set: only well-formed names the kernel has, and only those its own namespaces isolate. A
 * sysctl the kernel lacks is refused at RunPodSandbox, not left to fail when a container starts.
 */
final class Sysctls {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_]+([./][A-Za-z0-9_@:+-]+)*");
    /** Per-interface sysctls, of interfaces the pod's network gets later: checked against the {@code default} ones. */
    private static final Pattern PER_INTERFACE = Pattern.compile("(net/ipv[46]/(?:conf|neigh))/[^/]+/(.+)");

    private Sysctls() {
    }

    /**
     * Throws INVALID_ARGUMENT for a malformed sysctl name, one the kernel has not ({@code procSys}: where the node's
     * sysctls are, {@code /proc/sys}), one that is not namespaced, or one whose namespace the pod shares with the node.
     */
    static void validate(Map<String, String> sysctls, boolean ownNetwork, boolean ownIpc, Path procSys) {
        for (var name : sysctls.keySet()) {
            if (!NAME.matcher(name).matches() || name.contains("..")) {
                throw CriException.invalid("sysctl name '%s' is malformed (words of letters, digits and _ separated by . or /)", name);
            }
            var key = name.replace('/', '.');
            boolean ipc = key.equals("kernel.sem") || key.startsWith("kernel.shm") || key.startsWith("kernel.msg")
                    || key.startsWith("fs.mqueue.");
            boolean net = key.startsWith("net.");
            if (!ipc && !net) {
                throw CriException.invalid("sysctl %s is not namespaced: a pod may only set IPC (kernel.shm*, kernel.msg*, "
                        + "kernel.sem, fs.mqueue.*) and network (net.*) sysctls", name);
            }
            if (ipc && !ownIpc) {
                throw CriException.invalid("sysctl %s cannot be set in a pod that shares the host's IPC namespace", name);
            }
            if (net && !ownNetwork) {
                throw CriException.invalid("sysctl %s cannot be set in a pod that shares the host's network namespace", name);
            }
            if (!Files.exists(procSys.resolve(path(name)))) {
                throw CriException.invalid("sysctl %s does not exist in this kernel", name);
            }
        }
    }

    /** The sysctl's file below /proc/sys: slashes as given, else dots as separators; an interface's as the default's. */
    static String path(String name) {
        var path = name.contains("/") ? name : name.replace('.', '/');
        var perInterface = PER_INTERFACE.matcher(path);
        return perInterface.matches() ? perInterface.group(1) + "/default/" + perInterface.group(2) : path;
    }
}
