package jcri.runtime.oci;

import java.util.Optional;

/** The namespaces a container of a pod gets; {@code user} is empty for a pod in the node's user namespace. */
public record PodNamespaces(NamespaceRef network, NamespaceRef ipc, NamespaceRef uts, NamespaceRef pid, Optional<PodUserNamespace> user) {
    /** In the node's user namespace. */
    public PodNamespaces(NamespaceRef network, NamespaceRef ipc, NamespaceRef uts, NamespaceRef pid) {
        this(network, ipc, uts, pid, Optional.empty());
    }
}
