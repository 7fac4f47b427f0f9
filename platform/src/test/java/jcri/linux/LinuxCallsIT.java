package jcri.linux;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import org.junit.jupiter.api.Test;

/** The FFM system calls that need root (trusted.* attributes, device nodes) against the real kernel. */
class LinuxCallsIT {
    @Test
    void xattrsRoundTripAndMknodMakesAWhiteout() throws Exception {
        var dir = Files.createTempDirectory("jcri-lc");
        try {
            var file = Files.writeString(dir.resolve("f"), "x");
            LinuxCalls.lsetxattr(file.toString(), "trusted.jcri.test", new byte[] {1, 2, 3});
            assertArrayEquals(new byte[] {1, 2, 3}, LinuxCalls.lgetxattr(file.toString(), "trusted.jcri.test"));
            var absent = assertThrows(ErrnoException.class, () -> LinuxCalls.lgetxattr(file.toString(), "trusted.jcri.absent"));
            assertEquals(LinuxCalls.ENODATA, absent.errno());
            var node = dir.resolve("wh");
            LinuxCalls.mknod(node.toString(), LinuxCalls.S_IFCHR, LinuxCalls.makedev(0, 0));
            assertEquals(0, (long) Files.getAttribute(node, "unix:rdev", LinkOption.NOFOLLOW_LINKS));
            assertTrue(((int) Files.getAttribute(node, "unix:mode") & LinuxCalls.S_IFCHR) != 0);
        } finally {
            new ProcessBuilder("rm", "-rf", dir.toString()).start().waitFor();
        }
    }
}
