package jcri.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** SIGHUP sent to this JVM runs the action each time instead of ending the JVM. */
class HangupSignalTest {
    @Test
    void eachHangupRunsTheAction() throws Exception {
        var runs = new Semaphore(0);
        HangupSignal.handle(runs::release);
        for (int i = 0; i < 2; i++) {
            var kill = new ProcessBuilder("kill", "-HUP", Long.toString(ProcessHandle.current().pid())).inheritIO().start();
            assertEquals(0, kill.waitFor());
            assertTrue(runs.tryAcquire(30, TimeUnit.SECONDS), "hangup " + (i + 1) + " ran the action");
        }
    }
}
