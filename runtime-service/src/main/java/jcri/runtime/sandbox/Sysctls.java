package jcri.runtime.sandbox;

import java.util.Map;
import jcri.api.CriException;

/** Which sysctls a pod may set: only those its own namespaces isolate. */
final class Sysctls {
    private Sysctls() {
    }

    /** Throws INVALID_ARGUMENT for a sysctl that is not namespaced or whose namespace the pod shares with the node. */
    static void validate(Map<String, String> sysctls, boolean ownNetwork, boolean ownIpc) {
        for (var name : sysctls.keySet()) {
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
        }
    }
}
