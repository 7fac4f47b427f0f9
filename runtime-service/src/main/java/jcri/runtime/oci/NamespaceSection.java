package jcri.runtime.oci;

import java.util.ArrayList;
import java.util.List;
import jcri.runtime.oci.spec.Linux;

/**
 * {@code linux.namespaces}: the pod's user namespace when it has one (listed first, as the runtime joins it first),
 * its network, IPC, UTS and PID namespaces as the pod has them, and a mount namespace of its own.
 */
final class NamespaceSection {
    private NamespaceSection() {
    }

    static List<Linux.Namespace> of(PodNamespaces ns) {
        var out = new ArrayList<Linux.Namespace>();
        ns.user().ifPresent(user -> out.add(new Linux.Namespace("user", user.file().toString())));
        add(out, "network", ns.network());
        add(out, "ipc", ns.ipc());
        add(out, "uts", ns.uts());
        add(out, "pid", ns.pid());
        out.add(new Linux.Namespace("mount", null));
        return List.copyOf(out);
    }

    private static void add(List<Linux.Namespace> out, String type, NamespaceRef ref) {
        switch (ref) {
            case NamespaceRef.Host h -> { }
            case NamespaceRef.Fresh f -> out.add(new Linux.Namespace(type, null));
            case NamespaceRef.Join j -> out.add(new Linux.Namespace(type, j.path().toString()));
        }
    }
}
