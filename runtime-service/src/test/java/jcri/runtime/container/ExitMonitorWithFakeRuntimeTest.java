package jcri.runtime.container;

import static jcri.runtime.container.ContainerFixture.gone;
import static jcri.runtime.container.ContainerFixture.live;
import static jcri.runtime.container.TestRecords.id;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import jcri.process.ProcessIdentity;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The exit monitor's decisions, with a fake OCI runtime and real (test-made) exit files and processes. */
class ExitMonitorWithFakeRuntimeTest {
    private static final long START = 1_700_000_000_000_000_000L;
    @TempDir
    Path dir;
    private ContainerFixture f;
    private ExitMonitor monitor;

    @BeforeEach
    void monitor() throws Exception {
        f = new ContainerFixture(dir);
        monitor = new ExitMonitor(f.table, f.bundles, f.runtimes, Runnable::run);
    }

    @AfterEach
    void close() throws Exception {
        monitor.close();
    }

    @Test
    void exitCodeZeroIsCompletedAtTheExitFilesTime() throws Exception {
        var record = f.running(1, START, live());
        f.exitFile(record.id(), "0", START + 5_000_000_000L);
        monitor.exitFileChanged(record.id());
        var exited = f.record(record.id());
        assertEquals(ContainerState.EXITED, exited.state());
        assertEquals(0, exited.exitCode());
        assertEquals("Completed", exited.reason());
        assertEquals(START + 5_000_000_000L, exited.finishedNanos());
    }

    @Test
    void anyOtherCodeIsAnError() throws Exception {
        var record = f.running(1, START, live());
        f.exitFile(record.id(), "42\n", START + 1_000);
        monitor.exitFileChanged(record.id());
        assertEquals(42, f.record(record.id()).exitCode());
        assertEquals("Error", f.record(record.id()).reason());
    }

    @Test
    void theFinishIsNeverBeforeTheStart() throws Exception {
        var record = f.running(1, START, live());
        f.exitFile(record.id(), "1", START - 3_000_000_000L);
        monitor.exitFileChanged(record.id());
        assertEquals(START, f.record(record.id()).finishedNanos());
    }

    @Test
    void anEmptyExitFileIsIgnoredUntilConmonHasWrittenIt() throws Exception {
        var record = f.running(1, START, live());
        f.exitFile(record.id(), "", START + 1_000);
        monitor.exitFileChanged(record.id());
        assertEquals(ContainerState.RUNNING, f.record(record.id()).state());
        f.exitFile(record.id(), "3", START + 2_000);
        monitor.exitFileChanged(record.id());
        assertEquals(3, f.record(record.id()).exitCode());
    }

    @Test
    void anOomKillIsReportedAsOomKilled() throws Exception {
        var record = f.running(1, START, live());
        var cgroup = Files.createDirectories(dir.resolve("cgroup"));
        Files.writeString(cgroup.resolve("memory.events"), "low 0\nhigh 0\nmax 4\noom 1\noom_kill 1\n");
        f.bundles.recordMemoryCgroup(record.id(), java.util.Optional.of(cgroup));
        f.exitFile(record.id(), "137", START + 1_000);
        monitor.exitFileChanged(record.id());
        var exited = f.record(record.id());
        assertEquals(ContainerTable.OOM_KILLED, exited.reason());
        assertEquals(137, exited.exitCode());
        assertEquals(1.0, f.registry.get("container_runtime_jcri_containers_oom").counter().count());
    }

    @Test
    void aMemoryCgroupWithoutOomKillsLeavesTheReasonToTheCode() throws Exception {
        var record = f.running(1, START, live());
        var cgroup = Files.createDirectories(dir.resolve("cgroup"));
        Files.writeString(cgroup.resolve("memory.events"), "low 0\nhigh 0\nmax 0\noom 0\noom_kill 0\n");
        f.bundles.recordMemoryCgroup(record.id(), java.util.Optional.of(cgroup));
        f.exitFile(record.id(), "137", START + 1_000);
        monitor.exitFileChanged(record.id());
        assertEquals("Error", f.record(record.id()).reason());
    }

    /** A container {@code n} running in {@code pod}'s {@code jcri-<id>.scope}, its OOM kills counted from now. */
    private ContainerRecord inScope(int n, Path pod) throws Exception {
        var record = f.running(n, START, live());
        var scope = Files.createDirectories(pod.resolve("jcri-" + record.id() + ".scope"));
        Files.writeString(scope.resolve("memory.events"), "oom 0\noom_kill 0\n");
        f.bundles.recordMemoryCgroup(record.id(), java.util.Optional.of(scope));
        monitor.countOomKills(record.id());
        return record;
    }

    @Test
    void anOomKillIsReportedAsOomKilledAlsoWhenSystemdRemovedTheScopeFirst() throws Exception {
        var pod = Files.createDirectories(dir.resolve("cgroup/kubepods-pod1.slice"));
        Files.writeString(pod.resolve("memory.events"), "oom 0\noom_kill 0\n");
        var sidecar = inScope(1, pod);
        var app = inScope(2, pod);
        Files.writeString(pod.resolve("memory.events"), "oom 1\noom_kill 1\n"); // the kernel killed app's process,
        jcri.store.Trees.delete(f.bundles.memoryCgroup(app.id()).orElseThrow()); // then systemd removed app's scope
        f.exitFile(app.id(), "137", START + 1_000);
        monitor.exitFileChanged(app.id());
        assertEquals(ContainerTable.OOM_KILLED, f.record(app.id()).reason());
        f.exitFile(sidecar.id(), "137", START + 2_000);
        monitor.exitFileChanged(sidecar.id());
        assertEquals("Error", f.record(sidecar.id()).reason(), "the pod's one kill was app's");
    }

    @Test
    void theKillsOfAContainerWhoseConmonDiedAreNotGivenToItsSibling() throws Exception {
        var pod = Files.createDirectories(dir.resolve("cgroup/kubepods-pod1.slice"));
        Files.writeString(pod.resolve("memory.events"), "oom_kill 0\n");
        var orphan = inScope(1, pod);
        var sibling = inScope(2, pod);
        Files.writeString(pod.resolve("memory.events"), "oom_kill 1\n");
        jcri.store.Trees.delete(f.bundles.memoryCgroup(orphan.id()).orElseThrow());
        f.watchedBy(orphan.id(), gone());
        monitor.checkMonitors();
        assertEquals("Error", f.record(orphan.id()).reason(), "killed for its monitor's death");
        jcri.store.Trees.delete(f.bundles.memoryCgroup(sibling.id()).orElseThrow());
        f.exitFile(sibling.id(), "137", START + 1_000);
        monitor.exitFileChanged(sibling.id());
        assertEquals("Error", f.record(sibling.id()).reason());
    }

    @Test
    void aContainerWhoseConmonDiedIsKilledAndRecorded137() throws Exception {
        var conmon = gone();
        var record = f.running(1, START, conmon);
        monitor.checkMonitors();
        assertEquals(List.of("kill " + record.id() + " KILL all"), f.runtime.calls);
        var exited = f.record(record.id());
        assertEquals(ContainerState.EXITED, exited.state());
        assertEquals(137, exited.exitCode());
        assertEquals("conmon (pid " + conmon.pid() + "), the container's monitor, died; the container was killed", exited.message());
    }

    @Test
    void aPidNowUsedByAnotherProcessIsNotTakenForConmon() throws Exception {
        var now = live();
        var record = f.running(1, START, new ProcessIdentity(now.pid(), now.startTicks() + 1, now.bootId()));
        monitor.checkMonitors();
        assertEquals(List.of("kill " + record.id() + " KILL all"), f.runtime.calls);
        assertEquals(137, f.record(record.id()).exitCode());
    }

    @Test
    void aConmonOfAnEarlierBootIsNotTakenForConmon() throws Exception {
        var now = live();
        var record = f.running(1, START, new ProcessIdentity(now.pid(), now.startTicks(), "another-boot"));
        monitor.checkMonitors();
        assertEquals(ContainerState.EXITED, f.record(record.id()).state());
    }

    @Test
    void aContainerWhoseConmonRunsIsLeftAlone() throws Exception {
        var record = f.running(1, START, live());
        monitor.checkMonitors();
        assertEquals(List.of(), f.runtime.calls);
        assertEquals(ContainerState.RUNNING, f.record(record.id()).state());
    }

    @Test
    void aConmonThatDiedAfterWritingTheExitFileGivesItsCodeNotAKill() throws Exception {
        var record = f.running(1, START, gone());
        f.exitFile(record.id(), "9", START + 1_000);
        monitor.checkMonitors();
        assertEquals(List.of("delete " + record.id()), f.runtime.calls, "no kill; the runtime state goes with the exit");
        assertEquals(9, f.record(record.id()).exitCode());
    }

    @Test
    void exitFilesOfUnknownOrExitedContainersChangeNothing() throws Exception {
        f.exitFile(id(7), "1", START);
        monitor.exitFileChanged(id(7));
        assertEquals(List.of(), f.table.list());

        var record = f.running(1, START, live());
        f.exitFile(record.id(), "1", START + 1_000);
        monitor.exitFileChanged(record.id());
        f.exitFile(record.id(), "2", START + 2_000);
        monitor.exitFileChanged(record.id());
        assertEquals(1, f.record(record.id()).exitCode());
    }

    @Test
    void onceStartedItRecordsAnExitFileAsItAppears() throws Exception {
        var record = f.running(1, START, live());
        monitor.start();
        Files.writeString(f.conmon.exitDir().resolve(record.id()), "5");
        assertTrue(f.table.awaitExit(record.id(), Duration.ofSeconds(10)));
        assertEquals(5, f.record(record.id()).exitCode());
    }
}
