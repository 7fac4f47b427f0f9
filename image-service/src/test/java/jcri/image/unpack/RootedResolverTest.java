package jcri.image.unpack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import jcri.linux.LinuxCalls;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RootedResolverTest {
    @TempDir
    Path tmp;

    @Test
    void theNearestLowerLayerWinsAndAWhiteoutThereHidesTheOnesBelow() throws Exception {
        var upper = Files.createDirectories(tmp.resolve("upper"));
        var near = Files.createDirectories(tmp.resolve("near"));
        var far = Files.createDirectories(tmp.resolve("far"));
        Files.writeString(far.resolve("f"), "far");
        Files.writeString(far.resolve("g"), "far g");
        Files.writeString(near.resolve("g"), "near g");
        LinuxCalls.mknod(near.resolve("f").toString(), LinuxCalls.S_IFCHR, 0);
        var resolver = new RootedResolver(upper, List.of(near, far));

        assertNull(resolver.lowerCopy("f"), "deleted by the nearer layer");
        assertEquals(near.resolve("g"), resolver.lowerCopy("g"));
        assertNull(resolver.lowerCopy("missing"));
    }

    @Test
    void relativeLinkTargetsResolveFromTheLinksDirectoryAndDirectoriesAreCreated() throws Exception {
        var upper = Files.createDirectories(tmp.resolve("upper"));
        Files.createDirectories(upper.resolve("usr/share"));
        Files.createSymbolicLink(upper.resolve("usr/doc"), Path.of("share/../share/doc"));
        var resolver = new RootedResolver(upper, List.of());

        var dir = resolver.directory(List.of("usr", "doc", "pkg"), "usr/doc/pkg/README");

        assertEquals(upper.resolve("usr/share/doc/pkg"), dir);
        assertTrue(Files.isDirectory(dir));
    }

    @Test
    void aNonWhiteoutCharacterDeviceOrRegularFileIsNoWhiteout() throws Exception {
        Files.writeString(tmp.resolve("file"), "");
        Files.createDirectories(tmp.resolve("dir"));
        Files.createSymbolicLink(tmp.resolve("link"), Path.of("/dev/null"));
        assertEquals(false, RootedResolver.isWhiteout(tmp.resolve("file")));
        assertEquals(false, RootedResolver.isWhiteout(tmp.resolve("dir")));
        assertEquals(false, RootedResolver.isWhiteout(tmp.resolve("link")), "a link to a device is a link");
        assertEquals(false, RootedResolver.isWhiteout(Path.of("/dev/null")), "a 1:3 device is not a whiteout");
    }
}
