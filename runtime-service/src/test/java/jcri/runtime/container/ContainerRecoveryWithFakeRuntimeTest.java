package jcri.runtime.container;

import static jcri.runtime.container.ContainerFixture.gone;
import static jcri.runtime.container.ContainerFixture.live;
import static jcri.runtime.container.TestRecords.id;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import jcri.api.CriException;
import jcri.snapshot.Info;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Start-up recovery's decisions, with a fake OCI runtime, a fake snapshotter and recorded unmounts. */
class ContainerRecoveryWithFakeRuntimeTest {
    private static final long START = 1_700_000_000_000_000_000L;
    @TempDir
    Path dir;
    private ContainerFixture f;
    private ExitMonitor monitor;
    private Process process;

    @BeforeEach
    void fixture() throws Exception {
        f = new ContainerFixture(dir);
        monitor = new ExitMonitor(f.table, f.bundles, f.runtimes, Runnable::run);
    }

    @AfterEach
    void close() throws Exception {
        monitor.close();
        if (process != null) {
            process.destroyForcibly().waitFor();
        }
    }

    /** A running container as the last jcrid stored it, watched by {@code conmon}. */
    private ContainerRecord stored(int n, jcri.process.ProcessIdentity conmon) throws Exception {
        var record = TestRecords.running(id(n), "c" + n, START);
        f.store.put(record.id(), record);
        f.watchedBy(record.id(), conmon);
        return record;
    }

    private void recover() throws Exception {
        new ContainerRecovery(f.table, f.bundles, f.snapshots, f.runtimes, monitor).recover();
    }

    @Test
    void anExitWhileJcridWasDownIsRecordedWithItsCode() throws Exception {
        var record = stored(1, gone());
        f.exitFile(record.id(), "7", START + 1_000_000_000L);
        recover();
        var exited = f.record(record.id());
        assertEquals(ContainerState.EXITED, exited.state());
        assertEquals(7, exited.exitCode());
        assertEquals(START + 1_000_000_000L, exited.finishedNanos());
        assertEquals(List.of("delete " + record.id()), f.runtime.calls, "the exit file says it all; the runtime state goes with the exit");
    }

    @Test
    void theOomKillsOfAContainerFoundRunningAreCountedAlsoOnceItsScopeIsGone() throws Exception {
        var record = stored(1, live());
        var pod = Files.createDirectories(dir.resolve("cgroup/kubepods-pod1.slice"));
        Files.writeString(pod.resolve("memory.events"), "oom_kill 2\n"); // an earlier container's
        var scope = Files.createDirectories(pod.resolve("jcri-" + record.id() + ".scope"));
        Files.writeString(scope.resolve("memory.events"), "oom_kill 0\n");
        f.bundles.recordMemoryCgroup(record.id(), java.util.Optional.of(scope));
        recover();
        Files.writeString(pod.resolve("memory.events"), "oom_kill 3\n");
        jcri.store.Trees.delete(scope);
        f.exitFile(record.id(), "137", START + 1_000);
        monitor.exitFileChanged(record.id());
        assertEquals(ContainerTable.OOM_KILLED, f.record(record.id()).reason());
    }

    @Test
    void aContainerTheRuntimeSaysStoppedWithNoExitFileExitedUnknown() throws Exception {
        var record = stored(1, gone());
        f.runtime.states.put(record.id(), new OciRuntime.State("stopped", 0));
        recover();
        var exited = f.record(record.id());
        assertEquals(ContainerState.EXITED, exited.state());
        assertEquals(255, exited.exitCode());
        assertEquals("Unknown", exited.reason());
    }

    @Test
    void aContainerTheRuntimeNoLongerKnowsExitedUnknown() throws Exception {
        var record = stored(1, gone());
        recover();
        assertEquals(List.of("state " + record.id()), f.runtime.calls);
        assertEquals(255, f.record(record.id()).exitCode());
    }

    @Test
    void aContainerStillRunningWithoutConmonIsLeftToTheMonitor() throws Exception {
        var record = stored(1, gone());
        f.runtime.states.put(record.id(), new OciRuntime.State("running", 99));
        recover();
        assertEquals(ContainerState.RUNNING, f.record(record.id()).state());
    }

    @Test
    void aContainerWhoseConmonRunsNeedsNoRuntimeCall() throws Exception {
        var record = stored(1, live());
        recover();
        assertEquals(ContainerState.RUNNING, f.record(record.id()).state());
        assertEquals(List.of(), f.runtime.calls);
    }

    @Test
    void theConmonOfAContainerFromAnOlderJcridIsAdopted() throws Exception {
        var record = TestRecords.running(id(1), "c1", START);
        f.store.put(record.id(), record);
        var bundle = Files.createDirectories(f.bundles.path(record.id()));
        var conmon = Files.copy(Path.of("/bin/sleep"), dir.resolve("conmon"), java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
        process = new ProcessBuilder(conmon.toString(), "30").start();
        Files.writeString(bundle.resolve(ConmonIdentity.PID_FILE), String.valueOf(process.pid()));
        recover();
        assertEquals(ContainerState.RUNNING, f.record(record.id()).state());
        assertEquals(List.of(), f.runtime.calls);
        assertEquals(process.pid(), ConmonIdentity.read(bundle).orElseThrow().pid());
    }

    @Test
    void aContainerHalfMadeByACrashIsReleased() throws Exception {
        var id = id(1);
        var rootfs = Files.createDirectories(f.bundles.path(id).resolve("rootfs"));
        Files.writeString(f.bundles.path(id).resolve("config.json"), "{}");
        f.snapshots.snapshots.add(new Info(id, "sha256:layer", Info.Kind.ACTIVE, Instant.EPOCH, Map.of()));
        f.exitFile(id, "0", START);
        recover();
        assertFalse(Files.exists(f.bundles.path(id)));
        assertFalse(Files.exists(f.conmon.exitDir().resolve(id)));
        assertEquals(List.of(rootfs), f.unmounted);
        assertEquals(List.of(id), f.snapshots.removed);
        assertEquals(List.of("delete " + id), f.runtime.calls);
        assertEquals(List.of(), f.table.list());
    }

    @Test
    void aWritableSnapshotWithoutBundleOrRecordIsReleased() throws Exception {
        f.snapshots.snapshots.add(new Info(id(2), "sha256:layer", Info.Kind.ACTIVE, Instant.EPOCH, Map.of()));
        f.snapshots.snapshots.add(new Info("sha256:layer", "", Info.Kind.COMMITTED, Instant.EPOCH, Map.of()));
        f.snapshots.snapshots.add(new Info("pull-view", "sha256:layer", Info.Kind.ACTIVE, Instant.EPOCH, Map.of()));
        recover();
        assertEquals(List.of(id(2)), f.snapshots.removed, "image layers and other keys are not a container's");
    }

    @Test
    void containersWithARecordAreNotSwept() throws Exception {
        var record = stored(1, live());
        f.snapshots.snapshots.add(new Info(record.id(), "sha256:layer", Info.Kind.ACTIVE, Instant.EPOCH, Map.of()));
        recover();
        assertTrue(Files.exists(f.bundles.path(record.id())));
        assertEquals(List.of(), f.snapshots.removed);
    }

    @Test
    void recoveredContainersKeepTheirNamesAndExits() throws Exception {
        var record = TestRecords.created(id(1), "web").exited(START, 3, "Error", "");
        f.store.put(record.id(), record);
        recover();
        assertEquals(3, f.record(record.id()).exitCode());
        assertEquals(List.of(), f.runtime.calls, "an exit already recorded is not reconciled");
        assertThrows(CriException.class, () -> f.table.reserve(ContainerTable.nameKey(record.podId(), record.parsedConfig()), id(2)));
    }
}
