package jcri.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jcri.linux.ErrnoException;
import jcri.linux.LinuxCalls;
import org.junit.jupiter.api.Test;

/** The FFM system calls against the real kernel, those any user may make. */
class LinuxCallsTest {
    @Test
    void statfsReportsTheFilesystem() throws Exception {
        var fs = LinuxCalls.statfs("/tmp");
        assertTrue(fs.blocks() > 0 && fs.blockSize() > 0 && fs.files() >= fs.filesFree());
    }

    @Test
    void failuresCarryErrnoAndSubject() {
        var e = assertThrows(ErrnoException.class, () -> LinuxCalls.lgetxattr("/nonexistent-file", "user.jcri"));
        assertEquals(LinuxCalls.ENOENT, e.errno());
        assertTrue(e.getMessage().endsWith("/nonexistent-file: No such file or directory (errno 2)"), e.getMessage());
    }
}
