package jcri.runtime.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import jcri.process.ProcessIdentity;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A container's conmon, told from a later process with its pid; bundles of older jcrids adopted. */
class ConmonIdentityTest {
    @TempDir
    Path bundle;
    private Process process;

    @AfterEach
    void stop() throws Exception {
        if (process != null) {
            process.destroyForcibly().waitFor();
        }
    }

    private long run(String command) throws Exception {
        process = new ProcessBuilder(command, "30").start();
        Files.writeString(bundle.resolve(ConmonIdentity.PID_FILE), process.pid() + "\n");
        return process.pid();
    }

    @Test
    void theProcessInConmonPidIsRecordedAndAliveUntilItEnds() throws Exception {
        long pid = run("sleep");
        var recorded = ConmonIdentity.record(bundle).orElseThrow();
        assertEquals(pid, recorded.pid());
        assertEquals(Optional.of(recorded), ConmonIdentity.read(bundle));
        assertTrue(ConmonIdentity.alive(bundle));
        process.destroyForcibly().waitFor();
        assertFalse(ConmonIdentity.alive(bundle));
    }

    @Test
    void aConmonGoneBeforeItIsRecordedLeavesNoIdentity() throws Exception {
        run("sleep");
        process.destroyForcibly().waitFor();
        assertEquals(Optional.empty(), ConmonIdentity.record(bundle));
        assertFalse(Files.exists(bundle.resolve(ConmonIdentity.FILE)));
        assertFalse(ConmonIdentity.alive(bundle));
    }

    @Test
    void anOlderBundlesConmonIsAdoptedWhenItsPidIsStillAConmon() throws Exception {
        var conmon = Files.copy(Path.of("/bin/sleep"), bundle.resolve("conmon"), java.nio.file.StandardCopyOption.COPY_ATTRIBUTES); // a process whose command ends in conmon
        long pid = run(conmon.toString());
        var adopted = ConmonIdentity.adopt(bundle).orElseThrow();
        assertEquals(ProcessIdentity.of(pid).orElseThrow(), adopted);
        assertEquals(Optional.of(adopted), ConmonIdentity.read(bundle), "written down for later checks");
        assertTrue(ConmonIdentity.alive(bundle));
    }

    @Test
    void aPidThatIsNoLongerAConmonIsNotAdopted() throws Exception {
        run("sleep");
        assertEquals(Optional.empty(), ConmonIdentity.adopt(bundle));
        assertFalse(Files.exists(bundle.resolve(ConmonIdentity.FILE)));
    }

    @Test
    void aRecordedIdentityWinsOverConmonPid() throws Exception {
        run("sleep");
        var other = new ProcessIdentity(1, 2, "boot");
        Files.writeString(bundle.resolve(ConmonIdentity.FILE), other.line());
        assertEquals(Optional.of(other), ConmonIdentity.adopt(bundle));
    }

    @Test
    void aBundleWithoutConmonFilesHasNoConmon() {
        assertEquals(Optional.empty(), ConmonIdentity.adopt(bundle));
        assertFalse(ConmonIdentity.alive(bundle));
    }

    @Test
    void anUnreadableIdentityIsNoConmon() throws Exception {
        Files.writeString(bundle.resolve(ConmonIdentity.FILE), "12 not-a-number");
        assertEquals(Optional.empty(), ConmonIdentity.read(bundle));
        assertFalse(ConmonIdentity.alive(bundle));
    }
}
