package jcri.runtime.container;

import static jcri.runtime.container.TestRecords.id;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import jcri.api.CriException;
import jcri.api.v1.ContainerConfig;
import jcri.api.v1.ImageSpec;
import jcri.api.v1.Mount;
import jcri.image.LocalImage;
import jcri.snapshot.Info;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Image volumes with a fake snapshotter, a mount that only makes the view's files and recorded unmounts. */
class ImageVolumesTest {
    private static final String VOLUME = "registry.test/volume:v1";
    @TempDir
    Path dir;
    private ContainerFixture f;
    private ImageVolumes volumes;
    private final List<Path> mounted = new ArrayList<>();

    @BeforeEach
    void fixture() throws Exception {
        f = new ContainerFixture(dir);
        var image = new LocalImage("sha256:image", List.of(VOLUME), List.of(), 1, "sha256:top", null);
        volumes = new ImageVolumes(reference -> reference.equals(VOLUME) ? Optional.of(image) : Optional.empty(), f.snapshots,
                (mounts, target) -> {
                    mounted.add(target);
                    try {
                        Files.createDirectories(target.resolve("sub"));
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                }, f.unmounted::add);
    }

    private static Mount image(String reference, String subPath) {
        return Mount.newBuilder().setContainerPath("/data").setImage(ImageSpec.newBuilder().setImage(reference)).setImageSubPath(subPath).build();
    }

    private static ContainerConfig config(Mount... mounts) {
        return ContainerConfig.newBuilder().addMounts(Mount.newBuilder().setContainerPath("/host").setHostPath("/srv"))
                .addAllMounts(List.of(mounts)).build();
    }

    @Test
    void aConfigWithoutImageMountsIsUnchanged() throws Exception {
        var config = config();
        assertSame(config, volumes.mount(id(1), config, f.bundles.path(id(1))));
        assertEquals(List.of(), f.snapshots.list());
    }

    @Test
    void anImageMountBecomesAReadOnlyBindOfAViewOfTheImagesTopLayer() throws Exception {
        var bundle = f.bundles.path(id(1));
        var bound = volumes.mount(id(1), config(image(VOLUME, ""), image(VOLUME, "sub")), bundle);
        assertEquals("/srv", bound.getMounts(0).getHostPath(), "other mounts stay as they are");
        var whole = bound.getMounts(1);
        assertEquals(Mount.newBuilder().setContainerPath("/data").setHostPath(bundle.resolve("volumes/1").toString()).setReadonly(true).build(),
                whole);
        assertEquals(bundle.resolve("volumes/2/sub").toString(), bound.getMounts(2).getHostPath());
        assertEquals(List.of(bundle.resolve("volumes/1"), bundle.resolve("volumes/2")), mounted);
        assertEquals(List.of(id(1) + "-vol-1", id(1) + "-vol-2"), f.snapshots.list().stream().map(Info::key).toList());
        assertTrue(f.snapshots.list().stream().allMatch(i -> i.parent().equals("sha256:top") && i.kind() == Info.Kind.VIEW));
    }

    @Test
    void badImageMountsGetClearCodes() {
        var bundle = f.bundles.path(id(1));
        var missing = assertThrows(CriException.class, () -> volumes.mount(id(1), config(image("registry.test/none:v1", "")), bundle));
        assertEquals(Status.Code.NOT_FOUND, missing.code());
        assertTrue(missing.getMessage().contains("registry.test/none:v1"), missing.getMessage());
        var withHostPath = image(VOLUME, "").toBuilder().setHostPath("/srv").build();
        assertEquals(Status.Code.INVALID_ARGUMENT, assertThrows(CriException.class, () -> volumes.mount(id(1), config(withHostPath), bundle)).code());
        assertEquals(Status.Code.INVALID_ARGUMENT, assertThrows(CriException.class, () -> volumes.mount(id(1), config(image("", "")), bundle)).code());
        assertEquals(List.of(), f.snapshots.list(), "nothing made before the checks");
        var badSubPath = assertThrows(CriException.class, () -> volumes.mount(id(1), config(image(VOLUME, "../etc")), bundle));
        assertEquals(Status.Code.INVALID_ARGUMENT, badSubPath.code());
    }

    @Test
    void releaseUnmountsAndRemovesOnlyThatContainersViews() throws Exception {
        volumes.mount(id(1), config(image(VOLUME, "")), f.bundles.path(id(1)));
        volumes.mount(id(2), config(image(VOLUME, "")), f.bundles.path(id(2)));
        volumes.release(id(1), f.bundles.path(id(1)));
        assertEquals(List.of(id(1) + "-vol-1"), f.snapshots.removed);
        assertEquals(List.of(f.bundles.path(id(1)).resolve("volumes/1")), f.unmounted);
        assertEquals(List.of(id(2) + "-vol-1"), f.snapshots.list().stream().map(Info::key).toList());
    }

    @Test
    void onlyViewsKeyedByAContainerAreImageVolumes() {
        assertEquals(Optional.of(id(3)), ImageVolumes.container(new Info(id(3) + "-vol-0", "p", Info.Kind.VIEW, Instant.EPOCH, Map.of())));
        assertEquals(Optional.empty(), ImageVolumes.container(new Info(id(3) + "-vol-0", "p", Info.Kind.ACTIVE, Instant.EPOCH, Map.of())));
        assertEquals(Optional.empty(), ImageVolumes.container(new Info("view-x", "p", Info.Kind.VIEW, Instant.EPOCH, Map.of())));
        assertEquals(Optional.empty(), ImageVolumes.container(new Info(id(3), "p", Info.Kind.VIEW, Instant.EPOCH, Map.of())));
    }

    @Test
    void theCrashSweepReleasesTheViewsOfAContainerWithoutRecord() throws Exception {
        volumes.mount(id(4), config(image(VOLUME, "")), f.bundles.path(id(4)));
        try (var monitor = new ExitMonitor(f.table, f.bundles, f.runtimes, Runnable::run)) {
            new ContainerRecovery(f.table, f.bundles, f.snapshots, f.runtimes, monitor).recover();
        }
        assertEquals(List.of(), f.snapshots.list());
        assertTrue(f.unmounted.contains(f.bundles.path(id(4)).resolve("volumes/1")), f.unmounted.toString());
        assertTrue(Files.notExists(f.bundles.path(id(4))));
    }
}
