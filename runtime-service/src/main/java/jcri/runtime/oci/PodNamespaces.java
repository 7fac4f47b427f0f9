package jcri.runtime.oci;

/** The namespaces a container of a pod gets. */
public record PodNamespaces(NamespaceRef network, NamespaceRef ipc, NamespaceRef uts, NamespaceRef pid) {
}
