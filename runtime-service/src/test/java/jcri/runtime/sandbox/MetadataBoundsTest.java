package jcri.runtime.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.grpc.Status;
import java.util.HashMap;
import java.util.Map;
import jcri.api.CriException;
import org.junit.jupiter.api.Test;

class MetadataBoundsTest {
    private static Map<String, String> entries(int count, int valueLength) {
        var map = new HashMap<String, String>();
        for (int i = 0; i < count; i++) {
            map.put("example.com/key-" + i, "v".repeat(valueLength));
        }
        return map;
    }

    private static String refusal(String what, Map<String, String> map) {
        var e = assertThrows(CriException.class, () -> MetadataBounds.check(what, map));
        assertEquals(Status.Code.INVALID_ARGUMENT, e.code());
        return e.getMessage();
    }

    @Test
    void whatTheApiServerAcceptsPasses() {
        MetadataBounds.check("pod annotations", Map.of("big", "a".repeat(256 << 10)));
        MetadataBounds.check("pod labels", entries(1000, 63));
    }

    @Test
    void asManyEntriesAsTheBoundPass() {
        MetadataBounds.check("container labels", entries(MetadataBounds.MAX_ENTRIES, 0));
    }

    @Test
    void moreEntriesAreRefusedWithTheirCount() {
        assertEquals("container labels have 16385 entries; at most 16384 are accepted",
                refusal("container labels", entries(MetadataBounds.MAX_ENTRIES + 1, 0)));
    }

    @Test
    void keysAndValuesAreCountedTogetherInUtf8Bytes() {
        MetadataBounds.check("pod annotations", Map.of("k", "a".repeat(MetadataBounds.MAX_BYTES - 1)));
        assertEquals("pod annotations hold 1048577 bytes of keys and values; at most 1048576 are accepted",
                refusal("pod annotations", Map.of("kk", "a".repeat(MetadataBounds.MAX_BYTES - 1))));
        assertEquals("pod annotations hold 1048579 bytes of keys and values; at most 1048576 are accepted",
                refusal("pod annotations", Map.of("k", "é".repeat(MetadataBounds.MAX_BYTES / 2 + 1))));
    }
}
