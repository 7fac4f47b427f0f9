package jcri.runtime.container;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import jcri.api.CriException;
import jcri.api.v1.ContainerConfig;
import jcri.api.v1.Mount;
import jcri.image.ImageLookup;
import jcri.snapshot.Info;
import jcri.snapshot.SnapshotException;
import jcri.snapshot.Snapshotter;

/**
 * Image volumes (a CRI {@code Mount} with {@code image} set): for mount {@code n} of a container, a read-only view
 * {@code <id>-vol-<n>} of the image's top layer, mounted on {@code <bundle>/volumes/<n>}; the container binds it, or its
 * {@code image_sub_path}, read-only. The views are released with the container's bundle.
 */
public final class ImageVolumes {
    private static final Pattern KEY = Pattern.compile("([0-9a-f]{64})-vol-[0-9]+");

    private final ImageLookup images;
    private final Snapshotter snapshots;
    private final BiConsumer<List<jcri.snapshot.Mount>, Path> mount;
    private final Consumer<Path> unmount;

    /** {@code mount} applies a snapshot's mounts on a directory; {@code unmount} takes every mount off one (quiet when none). */
    public ImageVolumes(ImageLookup images, Snapshotter snapshots, BiConsumer<List<jcri.snapshot.Mount>, Path> mount, Consumer<Path> unmount) {
        this.images = images;
        this.snapshots = snapshots;
        this.mount = mount;
        this.unmount = unmount;
    }

    /** The container whose image volume {@code snapshot} is, if it is one. */
    public static Optional<String> container(Info snapshot) {
        var key = KEY.matcher(snapshot.key());
        return snapshot.kind() == Info.Kind.VIEW && key.matches() ? Optional.of(key.group(1)) : Optional.empty();
    }

    /**
     * Mounts the image volumes of container {@code id} under {@code bundle} and returns {@code config} with each image
     * mount turned into a read-only bind of its view. What this made before a failure is left for {@link #release}.
     */
    ContainerConfig mount(String id, ContainerConfig config, Path bundle) throws IOException {
        var mounts = config.getMountsList();
        if (mounts.stream().noneMatch(Mount::hasImage)) {
            return config;
        }
        var bound = config.toBuilder();
        for (int n = 0; n < mounts.size(); n++) {
            var m = mounts.get(n);
            if (m.hasImage()) {
                bound.setMounts(n, bind(id, n, m, bundle));
            }
        }
        return bound.build();
    }

    private Mount bind(String id, int n, Mount m, Path bundle) throws IOException {
        var reference = m.getImage().getImage();
        if (reference.isEmpty() || !m.getHostPath().isEmpty()) {
            throw CriException.invalid("image volume %s needs an image and no host path", m.getContainerPath());
        }
        var image = images.find(reference).orElseThrow(() -> CriException.notFound(
                "image %s of the image volume at %s is not present on the node (pull it first)", reference, m.getContainerPath()));
        var dir = Files.createDirectories(bundle.resolve("volumes").resolve(Integer.toString(n)));
        mount.accept(snapshots.view(key(id, n), image.chainId()), dir);
        var source = ImageSubPath.resolve(dir, m.getImageSubPath());
        return m.toBuilder().clearImage().clearImageSubPath().setHostPath(source.toString()).setReadonly(true).build();
    }

    /** Unmounts and removes the views of container {@code id}'s image volumes; quiet about those that are not there. */
    void release(String id, Path bundle) {
        var volumes = bundle.resolve("volumes");
        for (var info : snapshots.list()) {
            if (container(info).filter(id::equals).isEmpty()) {
                continue;
            }
            unmount.accept(volumes.resolve(info.key().substring(info.key().lastIndexOf('-') + 1)));
            try {
                snapshots.remove(info.key());
            } catch (SnapshotException e) {
                if (e.reason() != SnapshotException.Reason.NOT_FOUND) {
                    throw e;
                }
            }
        }
    }

    private static String key(String id, int n) {
        return id + "-vol-" + n;
    }
}
