package jcri.snapshot;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.logging.Logger;
import jcri.snapshot.SnapshotException.Reason;
import jcri.store.JsonStore;
import jcri.store.Trees;

/**
 * Overlay snapshots under one root. {@code <root>/s/<id>} holds a snapshot's own files (overlay's
 * upper dir, later a lower dir), {@code <root>/w/<id>} the work dir of an active overlay, and
 * {@code <root>/meta/snapshots.json} every snapshot's record. Ids are small numbers, so the
 * {@code lowerdir} option of a deep image stays short.
 *
 * <p>Crash safety: a directory is built under a temporary name and renamed into place before the
 * record that names it is written; a record is deleted before its directories. After a crash,
 * {@link #cleanup()} (also run at construction) deletes whatever no record names.
 */
public final class OverlaySnapshotter implements Snapshotter {
    private static final Logger LOG = Logger.getLogger(OverlaySnapshotter.class.getName());
    private static final String META_ID = "snapshots";

    private final Path root;
    private final Path fsDirs;
    private final Path workDirs;
    private final Path metaDir;
    private final JsonStore<Metadata> store;
    private final Object lock = new Object();
    private final Map<String, Record> records = new LinkedHashMap<>();
    /** Trees being deleted outside the lock, which {@link #cleanup()} must leave to their deleter. */
    private final Set<Path> deleting = new HashSet<>();
    private long nextId;

    /** One snapshot's record. */
    record Record(String key, long id, String parent, Info.Kind kind, long createdMillis, Map<String, String> labels) {
        Record {
            labels = labels == null ? Map.of() : Map.copyOf(labels);
        }

        Info info() {
            return new Info(key, parent, kind, Instant.ofEpochMilli(createdMillis), labels);
        }
    }

    /** Everything persisted: the records and the next id to hand out. */
    record Metadata(long nextId, List<Record> snapshots) {
    }

    public OverlaySnapshotter(Path root) {
        this.root = root;
        this.fsDirs = root.resolve("s");
        this.workDirs = root.resolve("w");
        this.metaDir = root.resolve("meta");
        try {
            Files.createDirectories(root, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            Files.createDirectories(fsDirs);
            Files.createDirectories(workDirs);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create snapshot root " + root, e);
        }
        this.store = new JsonStore<>(metaDir, Metadata.class);
        var saved = store.get(META_ID).orElse(new Metadata(1, List.of()));
        nextId = saved.nextId();
        for (var record : saved.snapshots()) {
            records.put(record.key(), record);
        }
        int removed = cleanup();
        if (removed > 0) {
            LOG.info("snapshotter removed " + removed + " directories left by an interrupted operation");
        }
    }

    public Path root() {
        return root;
    }

    @Override
    public List<Mount> prepare(String key, String parent) {
        return create(key, parent, Info.Kind.ACTIVE);
    }

    @Override
    public List<Mount> view(String key, String parent) {
        return create(key, parent, Info.Kind.VIEW);
    }

    private List<Mount> create(String key, String parent, Info.Kind kind) {
        requireKey(key);
        var parentKey = parent == null ? "" : parent;
        synchronized (lock) {
            if (records.containsKey(key)) {
                throw new SnapshotException(Reason.ALREADY_EXISTS, "snapshot " + key + " already exists");
            }
            if (!parentKey.isEmpty()) {
                var p = records.get(parentKey);
                if (p == null) {
                    throw new SnapshotException(Reason.NOT_FOUND, "parent snapshot " + parentKey + " of " + key + " does not exist");
                }
                if (p.kind() != Info.Kind.COMMITTED) {
                    throw new SnapshotException(Reason.FAILED_PRECONDITION,
                            "parent snapshot " + parentKey + " of " + key + " is not committed");
                }
            }
            var name = Long.toString(nextId);
            var own = fsDirs.resolve(name);
            var work = workDirs.resolve(name);
            try {
                placeDirectory(fsDirs, name);
                if (kind == Info.Kind.ACTIVE && !parentKey.isEmpty()) {
                    placeDirectory(workDirs, name);
                }
            } catch (IOException e) {
                deleteQuietly(own);
                throw new SnapshotException(Reason.INTERNAL, "cannot create snapshot " + key + ": " + e.getMessage(), e);
            }
            var record = new Record(key, nextId++, parentKey, kind, System.currentTimeMillis(), Map.of());
            records.put(key, record);
            persistOrUndo(() -> {
                records.remove(key);
                deleteQuietly(work);
                deleteQuietly(own);
            });
            return mountsOf(record);
        }
    }

    /**
     * Creates {@code parentDir/name} (mode 0755) under a temporary name, renames it into place and
     * makes the rename durable, so a record written afterwards never names a missing directory.
     */
    private static void placeDirectory(Path parentDir, String name) throws IOException {
        var temp = parentDir.resolve(".tmp-" + UUID.randomUUID());
        try {
            Files.createDirectory(temp);
            Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rwxr-xr-x"));
            Files.move(temp, parentDir.resolve(name), StandardCopyOption.ATOMIC_MOVE);
            try (var dir = FileChannel.open(parentDir, StandardOpenOption.READ)) {
                dir.force(true);
            }
        } finally {
            deleteQuietly(temp);
        }
    }

    @Override
    public void commit(String name, String key) {
        requireKey(name);
        Path work;
        synchronized (lock) {
            var record = get(key);
            if (record.kind() != Info.Kind.ACTIVE) {
                throw new SnapshotException(Reason.FAILED_PRECONDITION, "snapshot " + key + " is " + record.kind()
                        + ", only an active snapshot can be committed");
            }
            if (records.containsKey(name)) {
                throw new SnapshotException(Reason.ALREADY_EXISTS, "snapshot " + name + " already exists");
            }
            records.remove(key);
            records.put(name, new Record(name, record.id(), record.parent(), Info.Kind.COMMITTED,
                    System.currentTimeMillis(), record.labels()));
            persistOrUndo(() -> {
                records.remove(name);
                records.put(key, record);
            });
            work = workDirs.resolve(Long.toString(record.id()));
            deleting.add(work);
        }
        deleteOutsideLock(List.of(work));
    }

    @Override
    public void remove(String key) {
        List<Path> doomed;
        synchronized (lock) {
            var record = get(key);
            for (var other : records.values()) {
                if (other.parent().equals(key)) {
                    throw new SnapshotException(Reason.FAILED_PRECONDITION,
                            "snapshot " + key + " is the parent of " + other.key() + " and cannot be removed");
                }
            }
            records.remove(key);
            persistOrUndo(() -> records.put(key, record));
            var name = Long.toString(record.id());
            doomed = List.of(workDirs.resolve(name), fsDirs.resolve(name));
            deleting.addAll(doomed);
        }
        deleteOutsideLock(doomed);
    }

    /** Deletes trees the lock holder claimed in {@link #deleting}; returns how many existed and went. */
    private int deleteOutsideLock(List<Path> doomed) {
        int removed = 0;
        try {
            for (var path : doomed) {
                if (deleteQuietly(path)) {
                    removed++;
                }
            }
        } finally {
            synchronized (lock) {
                doomed.forEach(deleting::remove);
            }
        }
        return removed;
    }

    @Override
    public List<Mount> mounts(String key) {
        synchronized (lock) {
            return mountsOf(get(key));
        }
    }

    @Override
    public Path upperDir(String key) {
        synchronized (lock) {
            return fsDirs.resolve(Long.toString(get(key).id()));
        }
    }

    @Override
    public List<Path> parentDirs(String key) {
        synchronized (lock) {
            return chain(get(key).parent()).stream().map(this::dirOf).toList();
        }
    }

    @Override
    public Info stat(String key) {
        synchronized (lock) {
            return get(key).info();
        }
    }

    @Override
    public Usage usage(String key) {
        Path dir = upperDir(key);
        long[] totals = new long[2];
        try {
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                    totals[0] += attrs.isRegularFile() ? attrs.size() : 0;
                    totals[1]++;
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) {
                    totals[1]++;
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) {
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new SnapshotException(Reason.INTERNAL, "cannot measure snapshot " + key + ": " + e.getMessage(), e);
        }
        return new Usage(totals[0], totals[1]);
    }

    @Override
    public List<Info> list() {
        synchronized (lock) {
            return records.values().stream().map(Record::info).toList();
        }
    }

    @Override
    public int cleanup() {
        var doomed = new ArrayList<Path>();
        int removed = 0;
        synchronized (lock) {
            var live = new HashSet<String>();
            records.values().forEach(r -> live.add(Long.toString(r.id())));
            for (var dir : List.of(fsDirs, workDirs)) {
                for (var entry : entries(dir)) {
                    if (!live.contains(entry.getFileName().toString()) && !deleting.contains(entry)) {
                        doomed.add(entry);
                    }
                }
            }
            for (var entry : entries(metaDir)) {
                if (entry.getFileName().toString().endsWith(".tmp") && deleteQuietly(entry)) {
                    removed++;
                }
            }
            deleting.addAll(doomed);
        }
        return removed + deleteOutsideLock(doomed);
    }

    private static List<Path> entries(Path dir) {
        try (var entries = Files.list(dir)) {
            return entries.toList();
        } catch (IOException e) {
            LOG.warning("snapshot cleanup cannot list " + dir + ": " + e);
            return List.of();
        }
    }

    private List<Mount> mountsOf(Record record) {
        var own = dirOf(record);
        var parents = chain(record.parent());
        return switch (record.kind()) {
            case COMMITTED -> throw new SnapshotException(Reason.FAILED_PRECONDITION,
                    "snapshot " + record.key() + " is committed; prepare or view on top of it to mount it");
            case ACTIVE -> parents.isEmpty()
                    ? List.of(new Mount("bind", own.toString(), List.of("rbind", "rw")))
                    : List.of(overlay(parents, List.of(
                            "upperdir=" + own, "workdir=" + workDirs.resolve(Long.toString(record.id())))));
            case VIEW -> parents.isEmpty()
                    ? List.of(new Mount("bind", own.toString(), List.of("rbind", "ro")))
                    : parents.size() == 1
                    ? List.of(new Mount("bind", dirOf(parents.getFirst()).toString(), List.of("rbind", "ro")))
                    : List.of(overlay(parents, List.of("ro")));
        };
    }

    private Mount overlay(List<Record> parents, List<String> extra) {
        var options = new ArrayList<String>();
        options.add("index=off");
        options.add("lowerdir=" + String.join(":", parents.stream().map(p -> dirOf(p).toString()).toList()));
        options.addAll(extra);
        return new Mount("overlay", "overlay", options);
    }

    /** {@code key} and its ancestors, nearest first. */
    private List<Record> chain(String key) {
        var out = new ArrayList<Record>();
        for (var k = key; !k.isEmpty(); ) {
            var r = records.get(k);
            if (r == null) {
                throw new SnapshotException(Reason.INTERNAL, "snapshot metadata is inconsistent: " + k + " is missing");
            }
            out.add(r);
            k = r.parent();
        }
        return out;
    }

    private Path dirOf(Record record) {
        return fsDirs.resolve(Long.toString(record.id()));
    }

    private Record get(String key) {
        var record = records.get(key);
        if (record == null) {
            throw new SnapshotException(Reason.NOT_FOUND, "snapshot " + key + " does not exist");
        }
        return record;
    }

    /** Writes the records; if that fails, {@code undo} puts memory back to what is on disk. */
    private void persistOrUndo(Runnable undo) {
        try {
            store.put(META_ID, new Metadata(nextId, List.copyOf(records.values())));
        } catch (RuntimeException e) {
            undo.run();
            throw new SnapshotException(Reason.INTERNAL, "cannot write snapshot metadata: " + e.getMessage(), e);
        }
    }

    private static void requireKey(String key) {
        if (key == null || key.isEmpty()) {
            throw new SnapshotException(Reason.INVALID_ARGUMENT, "a snapshot key must not be empty");
        }
    }

    /** Deletes a tree without following symlinks; logs what it cannot remove. */
    static boolean deleteQuietly(Path path) {
        try {
            return Trees.delete(path);
        } catch (IOException e) {
            LOG.warning("cannot remove " + path + ": " + e);
            return false;
        }
    }
}
