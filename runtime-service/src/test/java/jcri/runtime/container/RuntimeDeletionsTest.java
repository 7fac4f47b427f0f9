package jcri.runtime.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import jcri.api.CriException;
import org.junit.jupiter.api.Test;

class RuntimeDeletionsTest {
    private final FakeRuntime runtime = new FakeRuntime();
    private final List<Runnable> queued = new ArrayList<>();
    private final RuntimeDeletions deletions = new RuntimeDeletions(Map.of("runc", runtime), queued::add);
    private final ContainerRecord record = TestRecords.created(TestRecords.id(1), "c1");

    @Test
    void anExitBeginsTheDeletionOnceAndRemovalWaitsForItInsteadOfDeletingAgain() throws Exception {
        deletions.exited(record);
        deletions.exited(record);
        assertEquals(1, queued.size(), "one deletion per container");
        var removed = new CountDownLatch(1);
        var remover = Thread.ofVirtual().start(() -> {
            try {
                deletions.delete(record);
                removed.countDown();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        assertEquals(false, removed.await(200, TimeUnit.MILLISECONDS), "removal waits for the deletion under way");
        queued.getFirst().run();
        remover.join(10_000);
        assertEquals(0, removed.getCount());
        assertEquals(List.of("delete " + record.id()), runtime.calls);
    }

    @Test
    void anExitDuringAStartIsDeletedOnlyOnceTheStartReturned() {
        deletions.hold(record.id());
        deletions.exited(record);
        assertEquals(List.of(), queued, "runc start may still use the state");
        deletions.release(record.id());
        assertEquals(1, queued.size());
        queued.getFirst().run();
        assertEquals(List.of("delete " + record.id()), runtime.calls);
    }

    @Test
    void aStartWithoutAnExitLeavesTheStateAlone() {
        deletions.hold(record.id());
        deletions.release(record.id());
        assertEquals(List.of(), queued);
    }

    @Test
    void withoutAnExitSeenRemovalDeletesItself() throws Exception {
        deletions.delete(record);
        assertEquals(List.of("delete " + record.id()), runtime.calls);
    }

    @Test
    void aDeletionThatFailedAtTheExitIsDoneAgainAtRemovalWhereItsFailureIsReported() throws Exception {
        var failing = new OciRuntime() {
            int attempts;

            @Override
            public Optional<State> state(String id) {
                return Optional.empty();
            }

            @Override
            public void kill(String id, String signal, boolean all) {
            }

            @Override
            public void delete(String id) {
                attempts++;
                throw CriException.internal("runc delete " + id + ": device or resource busy", null);
            }
        };
        var direct = new RuntimeDeletions(Map.of("runc", failing), Runnable::run);
        direct.exited(record);
        var e = assertThrows(CriException.class, () -> direct.delete(record));
        assertEquals(2, failing.attempts);
        assertEquals("runc delete " + record.id() + ": device or resource busy", e.getMessage());
    }
}
