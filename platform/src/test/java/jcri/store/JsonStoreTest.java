package jcri.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Records written atomically, read back, listed and deleted, on a real directory. */
class JsonStoreTest {
    record Item(String id, int version) {
    }

    @TempDir
    Path dir;

    @Test
    void aRecordReadsBackAsWritten() {
        var store = new JsonStore<>(dir, Item.class);
        store.put("a", new Item("a", 1));
        store.put("a", new Item("a", 2));
        assertEquals(new Item("a", 2), store.get("a").orElseThrow());
        assertTrue(store.get("missing").isEmpty());
    }

    @Test
    void fieldsANewerVersionAddedAreIgnored() throws Exception {
        Files.writeString(dir.resolve("a.json"), "{\"id\":\"a\",\"version\":3,\"addedLater\":true}");
        assertEquals(new Item("a", 3), new JsonStore<>(dir, Item.class).get("a").orElseThrow());
    }

    @Test
    void listingSkipsUnreadableRecordsAndRemovesACrashsTemporaryFiles() throws Exception {
        var store = new JsonStore<>(dir, Item.class);
        store.put("a", new Item("a", 1));
        Files.writeString(dir.resolve("torn.json"), "{\"id\":");
        Files.writeString(dir.resolve(".b.json.7.tmp"), "{}");
        assertEquals(List.of(new Item("a", 1)), store.all());
        assertTrue(Files.notExists(dir.resolve(".b.json.7.tmp")));
    }

    @Test
    void deleteIsIdempotent() {
        var store = new JsonStore<>(dir, Item.class);
        store.put("a", new Item("a", 1));
        store.delete("a");
        store.delete("a");
        assertTrue(store.get("a").isEmpty());
    }

    /** kubeadm reset sends several StopPodSandbox calls for one pod at once: each write must succeed. */
    @Test
    void concurrentWritersOfOneRecordEachSucceed() throws Exception {
        var store = new JsonStore<>(dir, Item.class);
        int writers = 16;
        var start = new CountDownLatch(1);
        var results = new ArrayList<Future<?>>();
        try (var pool = Executors.newFixedThreadPool(writers)) {
            for (int i = 0; i < writers; i++) {
                int version = i;
                results.add(pool.submit(() -> {
                    start.await();
                    for (int round = 0; round < 50; round++) {
                        store.put("pod", new Item("pod", version));
                    }
                    return null;
                }));
            }
            start.countDown();
            for (var result : results) {
                result.get();
            }
        }
        var last = store.get("pod").orElseThrow();
        assertTrue(last.version() >= 0 && last.version() < writers);
        try (var files = Files.list(dir)) {
            assertEquals(List.of(dir.resolve("pod.json")), files.toList(), "no temporary file is left");
        }
    }
}
