package jcri.runtime.container;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import jcri.process.ProcessIdentity;
import jcri.store.JsonStore;

/**
 * A container table, bundles and exit dir in a temp dir, with a {@link FakeRuntime}, a
 * {@link FakeSnapshotter} and an unmount that only records its path.
 */
final class ContainerFixture {
    final Path dir;
    final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    final ContainerEvents events = new ContainerEvents(registry, 64);
    final JsonStore<ContainerRecord> store;
    final ContainerTable table;
    final Conmon conmon;
    final FakeSnapshotter snapshots = new FakeSnapshotter();
    final List<Path> unmounted = new ArrayList<>();
    final ContainerBundles bundles;
    final FakeRuntime runtime = new FakeRuntime();
    final Map<String, FakeRuntime> runtimes = Map.of("runc", runtime);

    ContainerFixture(Path dir) throws IOException {
        this.dir = dir;
        this.store = new JsonStore<>(dir.resolve("records"), ContainerRecord.class);
        this.table = new ContainerTable(store, events);
        this.conmon = new Conmon(dir.resolve("no-conmon"), dir.resolve("exits"), dir.resolve("attach"), false);
        this.bundles = new ContainerBundles(dir.resolve("containers"), snapshots, conmon, unmounted::add,
                new ImageVolumes(reference -> java.util.Optional.empty(), snapshots, (mounts, target) -> { }, unmounted::add));
    }

    /** A running container in the table, started at {@code startedNanos}, watched by {@code monitor}. */
    ContainerRecord running(int n, long startedNanos, ProcessIdentity monitor) throws IOException {
        var record = TestRecords.created(TestRecords.id(n), "c" + n);
        table.add(record);
        table.update(record.started(startedNanos));
        watchedBy(record.id(), monitor);
        return table.find(record.id()).orElseThrow();
    }

    /** Writes a bundle for {@code id} whose conmon is {@code monitor}. */
    void watchedBy(String id, ProcessIdentity monitor) throws IOException {
        var bundle = Files.createDirectories(bundles.path(id));
        Files.writeString(bundle.resolve(ConmonIdentity.PID_FILE), String.valueOf(monitor.pid()));
        Files.writeString(bundle.resolve(ConmonIdentity.FILE), monitor.line());
    }

    /** conmon's exit file for {@code id} with {@code text}, modified at {@code modifiedNanos}. */
    Path exitFile(String id, String text, long modifiedNanos) throws IOException {
        var file = Files.writeString(conmon.exitDir().resolve(id), text);
        Files.setLastModifiedTime(file, java.nio.file.attribute.FileTime.from(java.time.Instant.ofEpochSecond(0, modifiedNanos)));
        return file;
    }

    ContainerRecord record(String id) {
        return table.find(id).orElseThrow();
    }

    /** This test's JVM: a process that surely runs for the whole test. */
    static ProcessIdentity live() {
        return ProcessIdentity.of(ProcessHandle.current().pid()).orElseThrow();
    }

    /** A process that ran and is gone. */
    static ProcessIdentity gone() throws IOException, InterruptedException {
        var sleep = new ProcessBuilder("sleep", "30").start();
        var identity = ProcessIdentity.of(sleep.pid()).orElseThrow();
        sleep.destroyForcibly().waitFor();
        return identity;
    }
}
