package jcri.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class FiltersTest {
    private static final Map<String, String> PODS = Map.of("abc123", "first", "abd456", "second", "abc", "exact");

    @Test
    void anExactIdWinsOverItBeingAPrefixOfOthers() {
        assertEquals(Optional.of("exact"), Filters.byIdOrPrefix(PODS, "abc"));
    }

    @Test
    void aPrefixMustBeUnambiguousAndNonEmpty() {
        assertEquals(Optional.of("second"), Filters.byIdOrPrefix(PODS, "abd"));
        assertEquals(Optional.empty(), Filters.byIdOrPrefix(PODS, "ab"), "three ids start with ab");
        assertEquals(Optional.empty(), Filters.byIdOrPrefix(PODS, ""), "an empty id names nothing");
        assertEquals(Optional.empty(), Filters.byIdOrPrefix(PODS, "zzz"));
    }

    @Test
    void everySelectorPairMustMatchAndAnEmptySelectorMatchesAll() {
        var labels = Map.of("app", "web", "tier", "front");
        assertTrue(Filters.labelsMatch(Map.of(), labels));
        assertTrue(Filters.labelsMatch(Map.of("app", "web"), labels));
        assertFalse(Filters.labelsMatch(Map.of("app", "web", "tier", "back"), labels));
        assertFalse(Filters.labelsMatch(Map.of("zone", ""), labels), "a missing label never equals a value, even an empty one");
    }

    @Test
    void anEmptyIdFilterMatchesEverythingElseAPrefix() {
        assertTrue(Filters.idMatches("", "abc"));
        assertTrue(Filters.idMatches("ab", "abc"));
        assertFalse(Filters.idMatches("abcd", "abc"));
    }

    @Test
    void timesAreUnixNanosecondsWithoutOverflowForThisCentury() {
        assertEquals(1_700_000_000_123_456_789L, Times.nanos(Instant.ofEpochSecond(1_700_000_000L, 123_456_789)));
        assertEquals(4_102_444_800_000_000_000L, Times.nanos(Instant.parse("2100-01-01T00:00:00Z")));
    }
}
