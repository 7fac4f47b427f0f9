package jcri.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Helper programs run to completion, with their output, environment, input and a deadline. */
class CommandTest {
    private static final Duration BOUND = Duration.ofSeconds(60);

    @Test
    void outputAndExitStatusComeBack() throws Exception {
        var ok = Command.run(List.of("sh", "-c", "echo out; echo err >&2"), BOUND);
        assertTrue(ok.ok());
        assertEquals("out\n", ok.stdout());
        assertEquals("err\n", ok.stderr());
        var failed = Command.run(List.of("sh", "-c", "echo only-stdout; exit 3"), BOUND);
        assertFalse(failed.ok());
        assertEquals(3, failed.exitCode());
        assertEquals("only-stdout", failed.error(), "without stderr the operator is shown stdout");
    }

    @Test
    void environmentAndInputReachTheProgram() throws Exception {
        var result = Command.run(List.of("sh", "-c", "read line; echo \"$GREETING $line\""), Map.of("GREETING", "hello"),
                "world\n".getBytes(StandardCharsets.UTF_8), BOUND);
        assertEquals("hello world\n", result.stdout());
        assertEquals("", Command.run(List.of("cat"), BOUND).stdout(), "no input is an empty one, never a wait");
    }

    @Test
    void aProgramPastItsDeadlineIsKilledAndSaysSo() {
        long start = System.nanoTime();
        var e = assertThrows(IOException.class, () -> Command.run(List.of("sleep", "600"), Duration.ofMillis(200)));
        assertTrue(e.getMessage().contains("did not finish within 200 ms"), e.getMessage());
        assertTrue(System.nanoTime() - start < BOUND.toNanos());
    }
}
