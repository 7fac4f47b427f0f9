package jcri.runtime.container;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import jcri.api.CriException;
import jcri.api.v1.ContainerConfig;
import jcri.api.v1.IDMapping;
import jcri.linux.ErrnoException;
import jcri.linux.IdMappedMounts;
import jcri.runtime.oci.IdMappings;
import jcri.runtime.oci.PodUserNamespace;
import jcri.snapshot.Mount;

/**
 * What a container of a pod with its own user namespace sees of the node's files: ID-mapped mounts (through the
 * pod's pinned namespace) staged in its bundle, so that a file the node's root owns belongs to the container's root.
 * Overlay file systems cannot be ID-mapped themselves, so each image layer is mapped ({@code layers/<n>}) and the
 * writable layer's top directory is given to the pod's root; volumes the kubelet asks to map are mapped as bound
 * ({@code idmapped/<n>}). Everything staged is released with the bundle.
 */
final class UsernsMounts {
    private static final String LAYERS = "layers";
    private static final String VOLUMES = "idmapped";

    private UsernsMounts() {
    }

    /** The snapshot's {@code mounts} with every layer replaced by its ID-mapped view under {@code bundle}. */
    static List<Mount> rootfs(List<Mount> mounts, Path bundle, PodUserNamespace userns) throws IOException {
        var staged = new Staging(bundle.resolve(LAYERS), userns);
        var out = new ArrayList<Mount>();
        for (var mount : mounts) {
            if (!mount.type().equals("overlay")) {
                out.add(new Mount(mount.type(), staged.map(Path.of(mount.source()), false).toString(), mount.options()));
                continue;
            }
            var options = new ArrayList<String>();
            for (var option : mount.options()) {
                if (option.startsWith("lowerdir=")) {
                    var layers = new ArrayList<String>();
                    for (var layer : option.substring("lowerdir=".length()).split(":")) {
                        layers.add(staged.map(Path.of(layer), false).toString());
                    }
                    options.add("lowerdir=" + String.join(":", layers));
                } else {
                    if (option.startsWith("upperdir=")) {
                        giveToPodRoot(Path.of(option.substring("upperdir=".length())), userns.mappings());
                    }
                    options.add(option);
                }
            }
            out.add(new Mount(mount.type(), mount.source(), options));
        }
        return List.copyOf(out);
    }

    /**
     * {@code config} with every mount that carries ID mappings bound from its ID-mapped view; INVALID_ARGUMENT for
     * mappings other than the pod's or in a pod without a user namespace of its own.
     */
    static ContainerConfig volumes(ContainerConfig config, Path bundle, Optional<PodUserNamespace> userns) throws IOException {
        var mounts = config.getMountsList();
        if (mounts.stream().noneMatch(m -> m.getUidMappingsCount() > 0 || m.getGidMappingsCount() > 0)) {
            return config;
        }
        if (userns.isEmpty()) {
            throw CriException.invalid("mounts with ID mappings need a pod with a user namespace of its own");
        }
        var staged = new Staging(bundle.resolve(VOLUMES), userns.get());
        var mapped = config.toBuilder();
        for (int n = 0; n < mounts.size(); n++) {
            var m = mounts.get(n);
            if (m.getUidMappingsCount() == 0 && m.getGidMappingsCount() == 0) {
                continue;
            }
            if (!podsMappings(m.getUidMappingsList(), userns.get().mappings().uids())
                    || !podsMappings(m.getGidMappingsList(), userns.get().mappings().gids())) {
                throw CriException.invalid("mount %s: ID mappings other than the pod's user namespace's are not supported",
                        m.getContainerPath());
            }
            var source = Path.of(m.getHostPath());
            if (!Files.exists(source)) {
                throw CriException.invalid("mount %s: host path %s does not exist", m.getContainerPath(), source);
            }
            mapped.setMounts(n, m.toBuilder().setHostPath(staged.map(source, true).toString())
                    .clearUidMappings().clearGidMappings().build());
        }
        return mapped.build();
    }

    /** Unmounts what {@link #rootfs} and {@link #volumes} staged in {@code bundle} (after the rootfs itself is unmounted). */
    static void release(Path bundle, Consumer<Path> unmount) throws IOException {
        for (var dir : List.of(bundle.resolve(LAYERS), bundle.resolve(VOLUMES))) {
            if (Files.isDirectory(dir)) {
                try (var staged = Files.list(dir)) {
                    staged.forEach(unmount);
                }
            }
        }
    }

    private static boolean podsMappings(List<IDMapping> mappings, IdMappings.Range pod) {
        if (mappings.size() != 1) {
            return false;
        }
        var m = mappings.getFirst();
        return Integer.toUnsignedLong(m.getContainerId()) == pod.containerId() && Integer.toUnsignedLong(m.getHostId()) == pod.hostId()
                && Integer.toUnsignedLong(m.getLength()) == pod.length();
    }

    /** The writable layer's top directory (the container's {@code /}) belongs to the pod's root, as the image's root dir does to the node's. */
    private static void giveToPodRoot(Path upper, IdMappings mappings) throws IOException {
        Files.setAttribute(upper, "unix:uid", (int) mappings.uids().hostOf(0));
        Files.setAttribute(upper, "unix:gid", (int) mappings.gids().hostOf(0));
    }

    /** ID-mapped views numbered in one directory. */
    private static final class Staging {
        private final Path dir;
        private final PodUserNamespace userns;
        private int next;

        Staging(Path dir, PodUserNamespace userns) {
            this.dir = dir;
            this.userns = userns;
        }

        Path map(Path source, boolean recursive) throws IOException {
            var target = dir.resolve(Integer.toString(next++));
            Files.createDirectories(dir);
            if (Files.isDirectory(source)) {
                Files.createDirectory(target);
            } else {
                Files.createFile(target);
            }
            try {
                IdMappedMounts.bind(source, target, userns.file(), recursive);
            } catch (ErrnoException e) {
                throw CriException.failedPrecondition("cannot ID-map %s for the pod's user namespace: %s", source, e.getMessage());
            }
            return target;
        }
    }
}
