package jcri.runtime.container;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import jcri.store.JsonStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Records written by the jcrid before {@link ContainerState} (state as a plain string) load and are written back unchanged. */
class ContainerRecordFormatTest {
    private static final String ID = "a".repeat(64);

    @Test
    void aRecordInTheOldFormatRoundTrips(@TempDir Path dir) throws Exception {
        String old;
        try (var in = getClass().getResourceAsStream("record-before-state-enum.json")) {
            old = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
        Files.writeString(dir.resolve(ID + ".json"), old);
        var store = new JsonStore<>(dir, ContainerRecord.class);

        var record = store.get(ID).orElseThrow();
        assertEquals(ContainerState.EXITED, record.state());
        assertEquals("web", record.parsedConfig().getMetadata().getName());
        assertEquals(1, record.exitCode());
        assertEquals(4242, record.pid());

        store.put(ID, record);
        assertEquals(old, Files.readString(dir.resolve(ID + ".json")));
    }

    @Test
    void everyStateIsStoredUnderItsOldName(@TempDir Path dir) throws Exception {
        var store = new JsonStore<>(dir, ContainerRecord.class);
        for (var name : new String[] {"CREATED", "RUNNING", "EXITED"}) {
            Files.writeString(dir.resolve(ID + ".json"), "{\"id\":\"" + ID + "\",\"state\":\"" + name + "\"}");
            assertEquals(ContainerState.valueOf(name), store.get(ID).orElseThrow().state());
        }
    }
}
