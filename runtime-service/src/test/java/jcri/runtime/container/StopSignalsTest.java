package jcri.runtime.container;

import static org.junit.jupiter.api.Assertions.assertEquals;

import jcri.api.v1.Signal;
import org.junit.jupiter.api.Test;

/** The stop signal a container gets, what runc is told and what its status says. */
class StopSignalsTest {
    @Test
    void theRequestBeatsTheImageWhichBeatsTheDefault() {
        assertEquals("SIGUSR1", StopSignals.chosen(Signal.SIGUSR1, "SIGQUIT"));
        assertEquals("SIGQUIT", StopSignals.chosen(Signal.RUNTIME_DEFAULT, "SIGQUIT"));
        assertEquals("", StopSignals.chosen(Signal.RUNTIME_DEFAULT, ""));
    }

    @Test
    void runcIsToldANameOrARealTimeSignalsNumber() {
        assertEquals("TERM", StopSignals.forRuntime(""));
        assertEquals("QUIT", StopSignals.forRuntime("SIGQUIT"));
        assertEquals("QUIT", StopSignals.forRuntime("QUIT"));
        assertEquals("3", StopSignals.forRuntime("3"));
        assertEquals("35", StopSignals.forRuntime("SIGRTMINPLUS1"));
        assertEquals("63", StopSignals.forRuntime("SIGRTMAXMINUS1"));
        assertEquals("34", StopSignals.forRuntime("SIGRTMIN"));
        assertEquals("64", StopSignals.forRuntime("SIGRTMAX"));
    }

    @Test
    void theStatusNamesTheSignalTheCrisWay() {
        assertEquals(Signal.SIGTERM, StopSignals.forStatus(""));
        assertEquals(Signal.SIGQUIT, StopSignals.forStatus("SIGQUIT"));
        assertEquals(Signal.SIGQUIT, StopSignals.forStatus("QUIT"));
        assertEquals(Signal.SIGRTMINPLUS1, StopSignals.forStatus("SIGRTMINPLUS1"));
        assertEquals(Signal.RUNTIME_DEFAULT, StopSignals.forStatus("3"), "a number the CRI has no name for");
    }
}
