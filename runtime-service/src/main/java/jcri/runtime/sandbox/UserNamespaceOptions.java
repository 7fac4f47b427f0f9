package jcri.runtime.sandbox;

import java.util.List;
import java.util.Optional;
import jcri.api.CriException;
import jcri.api.v1.IDMapping;
import jcri.api.v1.NamespaceMode;
import jcri.api.v1.NamespaceOption;
import jcri.runtime.oci.IdMappings;

/**
 * Reads a pod's {@code userns_options}: none or mode NODE keeps the pod in the node's user namespace; mode POD gives
 * it one of its own with exactly one uid and one gid mapping, each from id 0 in the pod to host ids that leave out
 * the node's root. Everything else is refused, as the CRI says.
 */
final class UserNamespaceOptions {
    private static final long MAX_ID = 0xFFFF_FFFFL; // (uid_t) -1 is no id

    private UserNamespaceOptions() {
    }

    /** The mappings of the pod's own user namespace, or empty for the node's; INVALID_ARGUMENT for what cannot be. */
    static Optional<IdMappings> of(NamespaceOption options) {
        if (!options.hasUsernsOptions()) {
            return Optional.empty();
        }
        var userns = options.getUsernsOptions();
        switch (userns.getMode()) {
            case NODE -> {
                if (userns.getUidsCount() > 0 || userns.getGidsCount() > 0) {
                    throw CriException.invalid("user namespace mode NODE takes no uid or gid mappings");
                }
                return Optional.empty();
            }
            case POD -> {
                for (var shared : List.of(options.getNetwork(), options.getIpc(), options.getPid())) {
                    if (shared == NamespaceMode.NODE) {
                        throw CriException.invalid("a pod with its own user namespace cannot share the node's network, IPC or PID "
                                + "namespace");
                    }
                }
                return Optional.of(new IdMappings(range("uid", userns.getUidsList()), range("gid", userns.getGidsList())));
            }
            default -> throw CriException.invalid("user namespace mode %s is not supported (only NODE or POD)", userns.getMode());
        }
    }

    private static IdMappings.Range range(String kind, List<IDMapping> mappings) {
        if (mappings.size() != 1) {
            throw CriException.invalid("a pod user namespace takes exactly one %s mapping (got %d)", kind, mappings.size());
        }
        var m = mappings.getFirst();
        long container = Integer.toUnsignedLong(m.getContainerId());
        long host = Integer.toUnsignedLong(m.getHostId());
        long length = Integer.toUnsignedLong(m.getLength());
        if (container != 0) {
            throw CriException.invalid("the %s mapping must map id 0 of the pod (it starts at %d)", kind, container);
        }
        if (length == 0 || host + length > MAX_ID) {
            throw CriException.invalid("the %s mapping %d+%d is not a range of host ids", kind, host, length);
        }
        if (host == 0) {
            throw CriException.invalid("the %s mapping makes the pod's root the node's root (host id 0)", kind);
        }
        return new IdMappings.Range(container, host, length);
    }
}
