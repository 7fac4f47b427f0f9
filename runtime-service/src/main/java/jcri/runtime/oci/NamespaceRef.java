package jcri.runtime.oci;

import java.nio.file.Path;

/** How a container gets one Linux namespace. */
public sealed interface NamespaceRef {
    /** Shares the node's namespace (no entry in the spec). */
    record Host() implements NamespaceRef {
    }

    /** A namespace of its own, created by the OCI runtime. */
    record Fresh() implements NamespaceRef {
    }

    /** Joins an existing namespace: a pinned file or {@code /proc/<pid>/ns/<type>}. */
    record Join(Path path) implements NamespaceRef {
    }
}
