package jcri.snapshot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import jcri.linux.LinuxCalls;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Real overlay and bind mounts made through mount(2); runs as root. */
class OverlaySnapshotterIT {
    private static int counter;
    private Path dir;
    private Path target;
    private OverlaySnapshotter snapshots;

    @BeforeEach
    void setUp() throws Exception {
        dir = Files.createDirectories(Path.of("/tmp/js" + ProcessHandle.current().pid() + "-" + counter++));
        target = Files.createDirectory(dir.resolve("mnt"));
        snapshots = new OverlaySnapshotter(dir.resolve("r"));
    }

    @AfterEach
    void tearDown() throws Exception {
        MountTable.unmount(target);
        new ProcessBuilder("rm", "-rf", dir.toString()).start().waitFor(30, TimeUnit.SECONDS);
    }

    private String layer(String key, String parent, String... files) throws Exception {
        snapshots.prepare(key + "-active", parent);
        var upper = snapshots.upperDir(key + "-active");
        for (var file : files) {
            var path = upper.resolve(file);
            Files.createDirectories(path.getParent());
            Files.writeString(path, key);
        }
        snapshots.commit(key, key + "-active");
        return key;
    }

    @Test
    void layersMergeUpperWinsAndWritesLandInTheUpperDir() throws Exception {
        layer("l1", "", "a", "b", "dir/x");
        layer("l2", "l1", "b", "c");
        layer("l3", "l2", "d");
        var mounts = snapshots.prepare("ctr", "l3");
        assertEquals("overlay", mounts.getFirst().type());
        MountTable.mountAll(mounts, target);
        assertTrue(MountTable.isMountPoint(target));
        assertEquals("l1", Files.readString(target.resolve("a")));
        assertEquals("l2", Files.readString(target.resolve("b")));
        assertEquals("l2", Files.readString(target.resolve("c")));
        assertEquals("l3", Files.readString(target.resolve("d")));
        assertEquals("l1", Files.readString(target.resolve("dir/x")));
        Files.writeString(target.resolve("new"), "written");
        assertEquals("written", Files.readString(snapshots.upperDir("ctr").resolve("new")));
        MountTable.unmount(target);
        assertFalse(MountTable.isMountPoint(target));

        var view = snapshots.view("v", "l3");
        assertEquals(List.of("index=off", "lowerdir=" + String.join(":", snapshots.parentDirs("v").stream().map(Path::toString).toList()), "ro"),
                view.getFirst().options());
        MountTable.mountAll(view, target);
        assertEquals("l2", Files.readString(target.resolve("b")));
        assertFalse(Files.exists(target.resolve("new")), "the view does not see the container's writes");
        assertThrows(java.io.IOException.class, () -> Files.writeString(target.resolve("x"), "ro"));
    }

    @Test
    void whiteoutsAndOpaqueDirectoriesHideLowerContent() throws Exception {
        layer("base", "", "gone", "opaque/old", "kept");
        snapshots.prepare("top-active", "base");
        var upper = snapshots.upperDir("top-active");
        LinuxCalls.mknod(upper.resolve("gone").toString(), LinuxCalls.S_IFCHR, LinuxCalls.makedev(0, 0));
        Files.createDirectory(upper.resolve("opaque"));
        LinuxCalls.lsetxattr(upper.resolve("opaque").toString(), "trusted.overlay.opaque", "y".getBytes(StandardCharsets.UTF_8));
        Files.writeString(upper.resolve("opaque/new"), "n");
        snapshots.commit("top", "top-active");
        MountTable.mountAll(snapshots.view("v", "top"), target);
        assertFalse(Files.exists(target.resolve("gone")));
        assertFalse(Files.exists(target.resolve("opaque/old")));
        assertTrue(Files.exists(target.resolve("opaque/new")));
        assertTrue(Files.exists(target.resolve("kept")));
        assertThrows(java.io.IOException.class, () -> Files.writeString(target.resolve("x"), "ro"), "a view is read-only");
    }

    @Test
    void singleLayerViewIsAReadOnlyBindMountOfThatLayer() throws Exception {
        layer("only", "", "f");
        var mounts = snapshots.view("v", "only");
        assertEquals(List.of(new Mount("bind", snapshots.parentDirs("v").getFirst().toString(), List.of("rbind", "ro"))), mounts);
        MountTable.mountAll(mounts, target);
        assertEquals("only", Files.readString(target.resolve("f")));
        assertThrows(java.io.IOException.class, () -> Files.writeString(target.resolve("f"), "x"));
    }

    @Test
    void rulesAreEnforcedWithPreciseReasons() throws Exception {
        layer("p", "", "f");
        snapshots.prepare("a", "p");
        assertEquals(SnapshotException.Reason.ALREADY_EXISTS, assertThrows(SnapshotException.class, () -> snapshots.prepare("a", "")).reason());
        assertEquals(SnapshotException.Reason.NOT_FOUND, assertThrows(SnapshotException.class, () -> snapshots.prepare("b", "missing")).reason());
        assertEquals(SnapshotException.Reason.FAILED_PRECONDITION, assertThrows(SnapshotException.class, () -> snapshots.prepare("b", "a")).reason());
        assertEquals(SnapshotException.Reason.FAILED_PRECONDITION, assertThrows(SnapshotException.class, () -> snapshots.remove("p")).reason());
        snapshots.view("v", "p");
        assertEquals(SnapshotException.Reason.FAILED_PRECONDITION, assertThrows(SnapshotException.class, () -> snapshots.commit("c", "v")).reason());
        assertEquals(SnapshotException.Reason.NOT_FOUND, assertThrows(SnapshotException.class, () -> snapshots.remove("nope")).reason());
        assertEquals(SnapshotException.Reason.FAILED_PRECONDITION, assertThrows(SnapshotException.class, () -> snapshots.mounts("p")).reason());
        snapshots.remove("a");
        snapshots.remove("v");
        snapshots.remove("p");
        assertEquals(List.of(), snapshots.list());
        try (var left = Files.list(dir.resolve("r/s"))) {
            assertEquals(0, left.count(), "no directories left after removing everything");
        }
    }

    @Test
    void stateSurvivesARestartAndCleanupRemovesWhatNoRecordNames() throws Exception {
        layer("base", "", "f");
        snapshots.prepare("active", "base");
        Files.createDirectories(dir.resolve("r/s/999/sub"));
        Files.createDirectories(dir.resolve("r/s/.tmp-crash"));
        Files.createDirectories(dir.resolve("r/w/998"));
        Files.writeString(dir.resolve("r/meta/.snapshots.json.tmp"), "{torn");
        var reopened = new OverlaySnapshotter(dir.resolve("r"));
        assertEquals(2, reopened.list().size());
        assertEquals(Info.Kind.COMMITTED, reopened.stat("base").kind());
        assertEquals("base", reopened.stat("active").parent());
        assertFalse(Files.exists(dir.resolve("r/s/999")));
        assertFalse(Files.exists(dir.resolve("r/s/.tmp-crash")));
        assertFalse(Files.exists(dir.resolve("r/w/998")));
        assertFalse(Files.exists(dir.resolve("r/meta/.snapshots.json.tmp")));
        assertEquals(0, reopened.cleanup(), "nothing left to clean");
        assertTrue(Files.isDirectory(reopened.upperDir("active")));
        assertEquals("base", Files.readString(reopened.parentDirs("active").getFirst().resolve("f")));
    }

    @Test
    void sharedBaseIsStoredOnceAndUsageCountsOnlyOwnFiles() throws Exception {
        layer("base", "", "f1", "f2");
        for (int i = 0; i < 10; i++) {
            snapshots.prepare("c" + i, "base");
        }
        try (var dirs = Files.list(dir.resolve("r/s"))) {
            assertEquals(11, dirs.count(), "one directory for the base, one per container");
        }
        var usage = snapshots.usage("base");
        assertEquals(8, usage.bytes(), "two files of four bytes");
        assertEquals(3, usage.inodes(), "the directory itself and two files");
        assertEquals(1, snapshots.usage("c0").inodes());
    }

    @Test
    void aHundredAndThirtyLayerImageMountsAndTooManyFailClearly() throws Exception {
        var parent = "";
        for (int i = 0; i < 130; i++) {
            parent = layer("sha256:" + "%064d".formatted(i), parent, "layer" + i);
        }
        var mounts = snapshots.prepare("deep", parent);
        MountTable.mountAll(mounts, target);
        assertTrue(Files.exists(target.resolve("layer0")));
        assertTrue(Files.exists(target.resolve("layer129")));
        MountTable.unmount(target);
        for (int i = 130; i < 400; i++) {
            parent = layer("sha256:" + "%064d".formatted(i), parent, "layer" + i);
        }
        var tooDeep = snapshots.prepare("too-deep", parent);
        var e = assertThrows(SnapshotException.class, () -> MountTable.mountAll(tooDeep, target));
        assertEquals(SnapshotException.Reason.INVALID_ARGUMENT, e.reason());
        assertTrue(e.getMessage().contains("more than the kernel's 4095"), e.getMessage());
    }

    @Test
    void cleanupRunningAlongsideCreatesAndRemovesKeepsEveryLiveSnapshot() throws Exception {
        layer("base", "", "f");
        var workers = Executors.newFixedThreadPool(5);
        try {
            var tasks = new ArrayList<Future<?>>();
            for (int t = 0; t < 4; t++) {
                int worker = t;
                tasks.add(workers.submit(() -> {
                    for (int i = 0; i < 50; i++) {
                        var key = "w" + worker + "-" + i;
                        snapshots.prepare(key, "base");
                        if (i % 2 == 0) {
                            snapshots.remove(key);
                        }
                    }
                    return null;
                }));
            }
            var cleaner = workers.submit(() -> {
                while (!tasks.stream().allMatch(Future::isDone)) {
                    snapshots.cleanup();
                }
                return null;
            });
            for (var task : tasks) {
                task.get(60, TimeUnit.SECONDS);
            }
            cleaner.get(60, TimeUnit.SECONDS);
        } finally {
            workers.shutdownNow();
            assertTrue(workers.awaitTermination(60, TimeUnit.SECONDS), "workers stopped before the directory is removed");
        }
        assertEquals(101, snapshots.list().size(), "the base and 25 kept snapshots per worker");
        for (var info : snapshots.list()) {
            assertTrue(Files.isDirectory(snapshots.upperDir(info.key())), info.key());
            if (info.kind() == Info.Kind.ACTIVE) {
                assertTrue(Files.isDirectory(dir.resolve("r/w").resolve(snapshots.upperDir(info.key()).getFileName())), info.key());
            }
        }
        try (var dirs = Files.list(dir.resolve("r/s"))) {
            assertEquals(101, dirs.count(), "removed snapshots left no directories");
        }
        assertEquals(0, snapshots.cleanup());
    }
}
