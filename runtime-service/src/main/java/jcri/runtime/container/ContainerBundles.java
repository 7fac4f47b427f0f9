package jcri.runtime.container;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import jcri.api.v1.ContainerConfig;
import jcri.snapshot.SnapshotException;
import jcri.snapshot.Snapshotter;
import jcri.store.Trees;

/**
 * The containers' bundle dirs ({@code <state>/containers/<id>}: config.json, rootfs, image volumes, conmon's files,
 * the memory cgroup's path) and what each holds on the node until it is released.
 */
public final class ContainerBundles {
    /** File in the bundle naming the container's memory cgroup, for OOM checks after it exits. */
    private static final String MEMORY_CGROUP = "memory-cgroup";

    private final Path dir;
    private final Snapshotter snapshots;
    private final Conmon conmon;
    private final Consumer<Path> unmount;
    private final ImageVolumes volumes;
    /** The memory-cgroup files read so far: they never change, and OOM accounting asks for every container's at each exit. */
    private final Map<String, Path> memoryCgroups = new ConcurrentHashMap<>();

    /** {@code unmount} takes every mount off a path (and is quiet when nothing is mounted there). */
    public ContainerBundles(Path dir, Snapshotter snapshots, Conmon conmon, Consumer<Path> unmount, ImageVolumes volumes) throws IOException {
        this.dir = Files.createDirectories(dir);
        this.snapshots = snapshots;
        this.conmon = conmon;
        this.unmount = unmount;
        this.volumes = volumes;
    }

    /** The container's bundle dir. */
    public Path path(String id) {
        return dir.resolve(id);
    }

    /** Mounts the container's image volumes in its bundle; returns its config with them as read-only binds (see {@link ImageVolumes}). */
    ContainerConfig mountImageVolumes(String id, ContainerConfig config) throws IOException {
        return volumes.mount(id, config, path(id));
    }

    /** Every bundle dir's name. */
    List<String> ids() throws IOException {
        try (var dirs = Files.list(dir)) {
            return dirs.map(d -> d.getFileName().toString()).toList();
        }
    }

    /** Where conmon writes each container's exit file. */
    Path exitDir() {
        return conmon.exitDir();
    }

    /** conmon's exit file for the container ({@code <exit dir>/<id>}). */
    Path exitFile(String id) {
        return exitDir().resolve(id);
    }

    /** Notes the memory cgroup the container's process {@code memoryCgroup} is in, if it has one. */
    void recordMemoryCgroup(String id, Optional<Path> memoryCgroup) throws IOException {
        if (memoryCgroup.isPresent()) {
            Files.writeString(path(id).resolve(MEMORY_CGROUP), memoryCgroup.get().toString());
        }
        memoryCgroup.ifPresent(cgroup -> memoryCgroups.put(id, cgroup));
    }

    /** The memory cgroup noted for the container, if one was; its file is read once. */
    Optional<Path> memoryCgroup(String id) {
        var known = memoryCgroups.get(id);
        if (known != null) {
            return Optional.of(known);
        }
        try {
            var read = Path.of(Files.readString(path(id).resolve(MEMORY_CGROUP)).strip());
            memoryCgroups.put(id, read);
            return Optional.of(read);
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /**
     * Releases what a container holds on the node once its runtime state is gone: the rootfs mount,
     * its writable snapshot (when one was made), its image volumes, its ID-mapped views, the bundle, conmon's exit file and
     * attach-socket link.
     */
    void release(String id, boolean snapshot) throws IOException {
        var bundle = path(id);
        unmount.accept(bundle.resolve("rootfs"));
        volumes.release(id, bundle);
        UsernsMounts.release(bundle, unmount);
        if (snapshot) {
            try {
                snapshots.remove(id);
            } catch (SnapshotException e) {
                if (e.reason() != SnapshotException.Reason.NOT_FOUND) {
                    throw e;
                }
            }
        }
        Trees.delete(bundle);
        Files.deleteIfExists(exitFile(id));
        conmon.forget(id);
        memoryCgroups.remove(id);
    }
}
