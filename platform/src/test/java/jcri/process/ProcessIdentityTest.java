package jcri.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** A process told apart from a later one with the same pid, on real processes. */
class ProcessIdentityTest {
    @Test
    void aRunningProcessIsItselfUntilItEnds() throws Exception {
        var sleep = new ProcessBuilder("sleep", "600").start();
        ProcessIdentity identity;
        try {
            identity = ProcessIdentity.of(sleep.pid()).orElseThrow();
            assertTrue(identity.running());
            assertEquals(identity, ProcessIdentity.parse(identity.line()), "the saved line reads back");
        } finally {
            sleep.destroyForcibly().waitFor();
        }
        assertFalse(identity.running(), "an ended, reaped process");
    }

    @Test
    void anotherStartTimeOrBootIsAnotherProcess() throws Exception {
        var self = ProcessIdentity.of(ProcessHandle.current().pid()).orElseThrow();
        assertTrue(self.running());
        assertFalse(new ProcessIdentity(self.pid(), self.startTicks() + 1, self.bootId()).running(), "a reused pid");
        assertFalse(new ProcessIdentity(self.pid(), self.startTicks(), "another-boot").running(), "a recorded process of an earlier boot");
    }

    @Test
    void aMalformedLineIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> ProcessIdentity.parse("12 34"));
        assertThrows(NumberFormatException.class, () -> ProcessIdentity.parse("a b c"));
    }
}
