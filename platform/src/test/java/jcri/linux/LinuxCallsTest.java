package jcri.linux;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import jcri.linux.ErrnoException;
import jcri.linux.LinuxCalls;
import org.junit.jupiter.api.Test;

/** The FFM system calls against the real kernel. */
class LinuxCallsTest {
    @Test
    void statfsReportsTheFilesystem() throws Exception {
        var fs = LinuxCalls.statfs("/tmp");
        assertTrue(fs.blocks() > 0 && fs.blockSize() > 0 && fs.files() >= fs.filesFree());
    }

    @Test
    void failuresCarryErrnoAndSubject() throws Exception {
        var target = Files.createTempDirectory("jcri-lc");
        try {
            var e = assertThrows(ErrnoException.class,
                    () -> LinuxCalls.mount("/nonexistent-src", target.toString(), null, LinuxCalls.MS_BIND, null));
            assertEquals(LinuxCalls.ENOENT, e.errno());
            assertEquals("mount /nonexistent-src on " + target + ": No such file or directory (errno 2)", e.getMessage());
        } finally {
            Files.delete(target);
        }
    }

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
            assertEquals(0, (long) Files.getAttribute(node, "unix:rdev", java.nio.file.LinkOption.NOFOLLOW_LINKS));
            assertTrue(((int) Files.getAttribute(node, "unix:mode") & LinuxCalls.S_IFCHR) != 0);
        } finally {
            new ProcessBuilder("rm", "-rf", dir.toString()).start().waitFor();
        }
    }
}
