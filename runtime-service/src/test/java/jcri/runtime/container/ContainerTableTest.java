package jcri.runtime.container;

import static jcri.runtime.container.TestRecords.created;
import static jcri.runtime.container.TestRecords.id;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import jcri.api.CriException;
import jcri.api.v1.LinuxContainerResources;
import jcri.store.JsonStore;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The container table: the one writer of container state. */
class ContainerTableTest {
    @TempDir
    Path dir;
    private SimpleMeterRegistry registry;
    private ContainerEvents events;
    private JsonStore<ContainerRecord> store;
    private ContainerTable table;

    @BeforeEach
    void table() {
        registry = new SimpleMeterRegistry();
        events = new ContainerEvents(registry, 64);
        store = new JsonStore<>(dir, ContainerRecord.class);
        table = new ContainerTable(store, events);
    }

    private ContainerRecord add(int n) {
        var record = created(id(n), "c" + n);
        table.reserve(ContainerTable.nameKey(record.podId(), record.parsedConfig()), record.id());
        table.add(record);
        return record;
    }

    @Test
    void aCreatedContainerStartsThenExits() {
        var record = add(1);
        assertTrue(table.update(record.started(2_000)));
        assertEquals(ContainerState.RUNNING, table.find(record.id()).orElseThrow().state());
        assertTrue(table.update(table.find(record.id()).orElseThrow().exited(3_000, 0, "Completed", "")));
        var exited = store.get(record.id()).orElseThrow();
        assertEquals(ContainerState.EXITED, exited.state());
        assertEquals(2_000, exited.startedNanos(), "the start is kept through the exit");
        assertEquals(3_000, exited.finishedNanos());
    }

    @Test
    void aCreatedContainerMayExitWithoutStarting() {
        var record = add(1);
        assertTrue(table.update(record.exited(3_000, 137, "Error", "killed before it was started")));
        assertEquals(ContainerState.EXITED, store.get(record.id()).orElseThrow().state());
    }

    @Test
    void aRunningContainerDoesNotGoBackToCreatedOrStartAgain() {
        var record = add(1);
        var running = record.started(2_000);
        table.update(running);
        assertFalse(table.update(record));
        assertFalse(table.update(running.started(5_000)));
        assertEquals(2_000, store.get(record.id()).orElseThrow().startedNanos());
    }

    @Test
    void anExitIsFinal() {
        var record = add(1);
        var running = record.started(2_000);
        table.update(running);
        table.update(running.exited(3_000, 7, "Error", ""));
        assertFalse(table.update(running.exited(4_000, 137, "Error", "killed")), "a second exit does not replace the first");
        assertFalse(table.update(running), "nor does a start");
        var stored = store.get(record.id()).orElseThrow();
        assertEquals(7, stored.exitCode());
        assertEquals(ContainerState.EXITED, table.find(record.id()).orElseThrow().state());
    }

    @Test
    void anUpdateOfARemovedContainerIsIgnored() {
        var record = add(1);
        table.remove(record);
        assertFalse(table.update(record.started(2_000)));
        assertEquals(Optional.empty(), table.find(record.id()));
        assertEquals(Optional.empty(), store.get(record.id()), "not written back to disk");
    }

    @Test
    void onlyCreatedContainersAreAdded() {
        assertThrows(IllegalArgumentException.class, () -> table.add(created(id(1), "c").started(5)));
    }

    @Test
    void aReservedNameIsRefusedToAnotherContainer() {
        add(1);
        var key = ContainerTable.nameKey(TestRecords.POD, created(id(2), "c1").parsedConfig());
        var e = assertThrows(CriException.class, () -> table.reserve(key, id(2)));
        assertEquals(Status.Code.ALREADY_EXISTS, e.code());
        assertTrue(e.getMessage().contains(id(1)), e.getMessage());
    }

    @Test
    void aNameIsFreeAgainAfterAFailedCreateButOnlyItsHolderReleasesIt() {
        table.reserve("web_p_0", id(1));
        table.release("web_p_0", id(2));
        assertThrows(CriException.class, () -> table.reserve("web_p_0", id(3)), "a non-holder's release changes nothing");
        table.release("web_p_0", id(1));
        table.reserve("web_p_0", id(3));
    }

    @Test
    void removingAContainerFreesItsName() {
        var record = add(1);
        table.remove(record);
        table.reserve(ContainerTable.nameKey(record.podId(), record.parsedConfig()), id(2));
        assertEquals(List.of(), table.list());
    }

    @Test
    void containersAreFoundByIdOrUnambiguousPrefix() {
        add(0x11);
        add(0x12);
        add(0x20);
        assertEquals(id(0x20), table.lookup(id(0x20)).orElseThrow().id());
        assertEquals(id(0x20), table.lookup(id(0x20).substring(0, 63)).orElseThrow().id());
        assertEquals(Optional.empty(), table.lookup(id(0x11).substring(0, 63)), "prefix of two ids");
        assertEquals(Optional.empty(), table.lookup(""));
        assertEquals(Optional.empty(), table.find(id(0x20).substring(0, 63)), "find takes whole ids only");
    }

    @Test
    void aNewTableLoadsWhatTheLastOneWroteWithNamesStillReserved() {
        var record = add(1);
        table.update(record.started(2_000));
        add(2);

        var reloaded = new ContainerTable(new JsonStore<>(dir, ContainerRecord.class), events);
        reloaded.load();
        assertEquals(ContainerState.RUNNING, reloaded.find(id(1)).orElseThrow().state());
        assertEquals(ContainerState.CREATED, reloaded.find(id(2)).orElseThrow().state());
        assertThrows(CriException.class, () -> reloaded.reserve(ContainerTable.nameKey(record.podId(), record.parsedConfig()), id(3)));
    }

    @Test
    void eachTransitionIsPublishedOnceAndOomKillsAreCounted() throws Exception {
        var types = new ArrayList<ContainerEvents.Type>();
        try (var subscription = events.subscribe()) {
            var record = add(1);
            var running = record.started(2_000);
            table.update(running);
            table.update(running.exited(3_000, 137, ContainerTable.OOM_KILLED, "oom"));
            table.update(running.exited(4_000, 137, ContainerTable.OOM_KILLED, "oom"));
            table.remove(table.find(record.id()).orElseThrow());
            for (var event = subscription.next(0); event != null; event = subscription.next(0)) {
                types.add(event.type());
            }
        }
        assertEquals(List.of(ContainerEvents.Type.CREATED, ContainerEvents.Type.STARTED, ContainerEvents.Type.STOPPED,
                ContainerEvents.Type.DELETED), types);
        assertEquals(1.0, registry.get("container_runtime_jcri_containers_oom").counter().count());
    }

    @Test
    void anExitWaiterWakesWhenTheExitIsRecorded() throws Exception {
        var record = add(1);
        table.update(record.started(2_000));
        assertFalse(table.awaitExit(record.id(), Duration.ofMillis(20)));
        var waiter = Thread.ofVirtual().start(() -> {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                return;
            }
            table.update(table.find(record.id()).orElseThrow().exited(3_000, 0, "Completed", ""));
        });
        assertTrue(table.awaitExit(record.id(), Duration.ofSeconds(60)));
        waiter.join();
        assertTrue(table.awaitExit(id(99), Duration.ZERO), "a container not in the table is not running");
    }

    @Test
    void anExitWaiterWakesWhenTheContainerIsRemoved() throws Exception {
        var record = add(1);
        table.update(record.started(2_000));
        var removal = Thread.ofVirtual().start(() -> {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                return;
            }
            table.remove(record);
        });
        assertTrue(table.awaitExit(record.id(), Duration.ofSeconds(60)), "a removed container runs no more");
        removal.join();
    }

    @Test
    void aLoadedExitedContainerHasExitedForWaiters() throws Exception {
        var record = add(1);
        table.update(record.exited(3_000, 1, "Error", ""));
        var reloaded = new ContainerTable(new JsonStore<>(dir, ContainerRecord.class), events);
        reloaded.load();
        assertTrue(reloaded.awaitExit(record.id(), Duration.ZERO));
    }

    @Test
    void resourcesAnUpdateSetAreKeptAcrossARestartUntilTheContainerExits() {
        var record = add(1);
        var limited = LinuxContainerResources.newBuilder().setCpuQuota(20_000).setMemoryLimitInBytes(64 << 20).build();
        assertTrue(table.resize(record.id(), limited));
        assertEquals(limited, table.find(record.id()).orElseThrow().linuxResources());
        assertEquals(limited, new JsonStore<>(dir, ContainerRecord.class).get(record.id()).orElseThrow().linuxResources(),
                "written, so a restarted jcrid reports them");
        table.update(table.find(record.id()).orElseThrow().exited(2_000, 0, "Completed", ""));
        assertFalse(table.resize(record.id(), LinuxContainerResources.getDefaultInstance()), "an exited container keeps its last");
        assertEquals(ContainerState.EXITED, table.find(record.id()).orElseThrow().state());
    }
}
