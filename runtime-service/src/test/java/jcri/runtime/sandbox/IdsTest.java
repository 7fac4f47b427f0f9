package jcri.runtime.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import org.junit.jupiter.api.Test;

class IdsTest {
    @Test
    void newIdsAreValidAndDistinct() {
        var seen = new HashSet<String>();
        for (int i = 0; i < 1000; i++) {
            var id = Ids.newId();
            assertTrue(Ids.valid(id), id);
            seen.add(id);
        }
        assertEquals(1000, seen.size());
    }

    @Test
    void onlySixtyFourLowerCaseHexCharactersAreAnId() {
        assertFalse(Ids.valid("a".repeat(63)));
        assertFalse(Ids.valid("a".repeat(65)));
        assertFalse(Ids.valid("A".repeat(64)), "upper case is not what newId makes");
        assertFalse(Ids.valid("g".repeat(64)));
        assertFalse(Ids.valid("lost+found"), "a stray directory in pods/ is not a pod");
    }
}
