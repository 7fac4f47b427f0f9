package jcri.critest;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The leak search itself: it must not report "no leak" from directories it cannot find. */
class LeaksSpec {
    @Test
    void aLayoutItDoesNotKnowFailsTheSearch() {
        var elsewhere = Scratch.dir("critest-leaks-");
        var e = assertThrows(IllegalStateException.class, () -> Leaks.find(Target.client(), elsewhere, "critest-leaks-none"));
        assertTrue(e.getMessage().contains(elsewhere.toString()), e.getMessage());
    }
}
