package jcri.snapshot;

import java.nio.file.Path;
import java.util.List;

/**
 * Layered filesystem snapshots, containerd-style. A committed snapshot is immutable and may be a
 * parent; an active one is writable; a view is a read-only active snapshot. Keys are unique across
 * all kinds. Failures throw {@link SnapshotException}.
 */
public interface Snapshotter {
    /** A writable snapshot on top of {@code parent} (empty for none); returns how to mount it. */
    List<Mount> prepare(String key, String parent);

    /** A read-only snapshot of {@code parent}; returns how to mount it. */
    List<Mount> view(String key, String parent);

    /** Turns the active snapshot {@code key} into the committed snapshot {@code name}. */
    void commit(String name, String key);

    /** Removes a snapshot that no other snapshot has as parent; an unknown key is NOT_FOUND. */
    void remove(String key);

    /** How to mount an active snapshot or view. */
    List<Mount> mounts(String key);

    /**
     * The directory that receives the writes of an active snapshot (overlay's upperdir), where a
     * layer can be applied directly, whiteouts as overlay whiteouts.
     */
    Path upperDir(String key);

    /** The file trees of {@code key}'s ancestors, nearest first (the lower dirs of its overlay). */
    List<Path> parentDirs(String key);

    Info stat(String key);

    /** Bytes and inodes the snapshot itself adds (not its parents). */
    Usage usage(String key);

    List<Info> list();

    /** Reclaims directories no metadata points at (left by a crash); returns how many. */
    int cleanup();
}
