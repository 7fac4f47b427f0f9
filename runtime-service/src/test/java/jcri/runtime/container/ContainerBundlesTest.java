package jcri.runtime.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ContainerBundlesTest {
    @TempDir
    Path dir;

    @Test
    void aMemoryCgroupIsReadFromItsFileOnceAndForgottenWithTheBundle() throws IOException {
        var f = new ContainerFixture(dir);
        var id = TestRecords.id(1);
        var bundle = Files.createDirectories(f.bundles.path(id));
        f.bundles.recordMemoryCgroup(id, Optional.of(Path.of("/sys/fs/cgroup/pod/c1")));
        Files.writeString(bundle.resolve("memory-cgroup"), "/elsewhere"); // the file is not read again
        assertEquals(Optional.of(Path.of("/sys/fs/cgroup/pod/c1")), f.bundles.memoryCgroup(id));

        f.bundles.release(id, false);
        assertFalse(Files.exists(bundle));
        assertEquals(Optional.empty(), f.bundles.memoryCgroup(id));
    }

    @Test
    void aBundleFoundAtStartUpHasItsMemoryCgroupReadFromDisk() throws IOException {
        var f = new ContainerFixture(dir);
        var id = TestRecords.id(2);
        Files.writeString(Files.createDirectories(f.bundles.path(id)).resolve("memory-cgroup"), "/sys/fs/cgroup/pod/c2\n");
        assertEquals(Optional.of(Path.of("/sys/fs/cgroup/pod/c2")), new ContainerFixture(dir).bundles.memoryCgroup(id));
        assertTrue(new ContainerFixture(dir).bundles.memoryCgroup(TestRecords.id(3)).isEmpty());
    }
}
