package jcri.runtime.sandbox;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.HashSet;
import java.util.Optional;
import jcri.linux.IdMappedMounts;
import jcri.runtime.oci.IdMappings;
import jcri.snapshot.MountTable;
import jcri.store.Trees;

/**
 * Whether pods can have user namespaces of their own on this node: jcri's state directory (where their root file
 * systems are mounted) is searchable by other users, as the pod's root is one; a user namespace can be made and
 * pinned; and a directory of the file system that holds the image layers can be ID-mapped through it.
 */
public final class UserNamespaceProbe {
    private static final IdMappings.Range PROBE_RANGE = new IdMappings.Range(0, 65536, 65536);

    private UserNamespaceProbe() {
    }

    /**
     * Empty if it works; else what failed. Makes {@code state} itself searchable by others; leaves nothing behind in
     * {@code scratch} (a directory on the layers' file system).
     */
    public static Optional<String> problem(Path state, Path scratch, NamespacePinner pinner) {
        var unsearchable = unsearchable(state);
        if (unsearchable.isPresent()) {
            return Optional.of("the state directory's ancestor " + unsearchable.get() + " is not searchable by other users");
        }
        var ns = scratch.resolve("ns");
        var source = scratch.resolve("source");
        var target = scratch.resolve("target");
        try {
            var mode = new HashSet<>(Files.getPosixFilePermissions(state));
            mode.add(PosixFilePermission.OTHERS_EXECUTE);
            Files.setPosixFilePermissions(state, mode);
            Files.createDirectories(source);
            Files.createDirectories(target);
            pinner.pin(new NamespacePinner.Request(ns, false, false, false, "", Optional.of(new IdMappings(PROBE_RANGE, PROBE_RANGE))));
            IdMappedMounts.bind(source, target, ns.resolve("user"), false);
            return Optional.empty();
        } catch (IOException | RuntimeException e) {
            return Optional.of(e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.of("interrupted");
        } finally {
            MountTable.unmount(target);
            try {
                pinner.release(ns);
                Trees.delete(scratch);
            } catch (IOException e) {
                // a leftover scratch directory is removed by the next probe
            }
        }
    }

    /** The first of {@code dir}'s ancestors (not {@code dir}) that other users cannot search, if any. */
    static Optional<Path> unsearchable(Path dir) {
        for (var p = dir.toAbsolutePath().getParent(); p != null; p = p.getParent()) {
            try {
                if (!Files.getPosixFilePermissions(p).contains(PosixFilePermission.OTHERS_EXECUTE)) {
                    return Optional.of(p);
                }
            } catch (IOException e) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }
}
