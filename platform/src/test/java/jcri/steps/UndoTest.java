package jcri.steps;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every undo step runs, whichever fail. */
class UndoTest {
    private final List<String> ran = new ArrayList<>();

    private Steps.Action step(String name, Exception failure) {
        return () -> {
            ran.add(name);
            if (failure instanceof IOException io) {
                throw io;
            }
            if (failure instanceof InterruptedException i) {
                throw i;
            }
            if (failure instanceof RuntimeException r) {
                throw r;
            }
        };
    }

    @Test
    void aFailingStepDoesNotKeepTheLaterOnesFromRunning() {
        var failure = new IOException("cni add failed");
        var del = new IllegalArgumentException("cni del failed the same way");
        Undo.after(failure, List.of(step("cni del", del), step("holder", null), step("mounts", new IOException("busy")), step("dir", null)));
        assertEquals(List.of("cni del", "holder", "mounts", "dir"), ran);
        assertSame(del, failure.getSuppressed()[0]);
        assertEquals("busy", failure.getSuppressed()[1].getMessage());
    }

    @Test
    void allThrowsTheFirstFailureWithTheOthersSuppressed() {
        var e = assertThrows(IOException.class, () -> Undo.all(List.of(step("a", new IOException("first")), step("b", null),
                step("c", new IllegalStateException("second")))));
        assertEquals("first", e.getMessage());
        assertEquals(List.of("a", "b", "c"), ran);
        assertEquals("second", e.getSuppressed()[0].getMessage());
    }

    @Test
    void anInterruptIsKeptForAfterTheLastStep() throws Exception {
        Undo.all(List.of(step("a", null), step("b", null)));
        var failure = new IOException("x");
        Undo.after(failure, List.of(step("c", new InterruptedException()), step("d", null)));
        assertTrue(Thread.interrupted(), "the interrupt flag is set again");
        assertArrayEquals(new String[] {"a", "b", "c", "d"}, ran.toArray());
    }
}
