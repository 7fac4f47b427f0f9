package jcri.snapshot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import jcri.linux.LinuxCalls;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Real bind and tmpfs mounts taken down through {@link MountTable}; runs as root. */
class MountTableIT {
    private Path dir;
    private Path source;
    private Path target;

    @BeforeEach
    void setUp() throws Exception {
        dir = Files.createTempDirectory("jcri-mt");
        source = Files.createDirectory(dir.resolve("src"));
        Files.writeString(source.resolve("f"), "content");
        target = Files.createDirectory(dir.resolve("mount point"));
    }

    @AfterEach
    void tearDown() throws Exception {
        for (var mount : MountTable.mountsUnder(dir)) {
            MountTable.unmount(mount);
        }
        new ProcessBuilder("rm", "-rf", "--one-file-system", dir.toString()).start().waitFor(30, TimeUnit.SECONDS);
    }

    @Test
    void unmountOfSomethingNotMountedIsANoOp() {
        MountTable.unmount(target);
        MountTable.unmount(dir.resolve("does-not-exist"));
        assertFalse(MountTable.isMountPoint(target));
    }

    @Test
    void readOnlyBindShowsTheSourceAndRefusesWrites() throws Exception {
        MountTable.mountAll(List.of(new Mount("bind", source.toString(), List.of("rbind", "ro"))), target);
        assertTrue(MountTable.isMountPoint(target), "a mount point whose name has a space (\\040 in mountinfo)");
        assertEquals("content", Files.readString(target.resolve("f")));
        assertThrows(IOException.class, () -> Files.writeString(target.resolve("f"), "changed"));
        MountTable.unmount(target);
        assertFalse(MountTable.isMountPoint(target));
        assertFalse(Files.exists(target.resolve("f")));
    }

    @Test
    void unmountTakesDownEveryMountStackedOnTheTarget() throws Exception {
        LinuxCalls.mount("tmpfs", target.toString(), "tmpfs", 0, "size=1m");
        MountTable.mountAll(List.of(new Mount("bind", source.toString(), List.of("rbind", "rw"))), target);
        assertEquals(2, MountTable.mountsUnder(target).size());
        MountTable.unmount(target);
        assertFalse(MountTable.isMountPoint(target));
    }

    @Test
    void busyMountIsDetachedLazily() throws Exception {
        MountTable.mountAll(List.of(new Mount("bind", source.toString(), List.of("rbind", "rw"))), target);
        var holder = new ProcessBuilder("sleep", "30").directory(target.toFile()).start();
        try {
            long start = System.nanoTime();
            MountTable.unmount(target);
            assertFalse(MountTable.isMountPoint(target));
            assertTrue(System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(400), "busy unmounts are retried before detaching");
            assertTrue(holder.isAlive());
        } finally {
            holder.destroyForcibly().waitFor();
        }
    }

    @Test
    void failedMountNamesTheTargetAndTheError() {
        var missing = dir.resolve("missing");
        var e = assertThrows(SnapshotException.class,
                () -> MountTable.mountAll(List.of(new Mount("bind", missing.toString(), List.of("rbind"))), target));
        assertEquals(SnapshotException.Reason.INTERNAL, e.reason());
        assertTrue(e.getMessage().contains(target.toString()) && e.getMessage().contains("No such file or directory"), e.getMessage());
        assertFalse(MountTable.isMountPoint(target));
    }
}
