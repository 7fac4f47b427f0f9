package jcri.runtime.container;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The container state machine's moves. */
class ContainerStateTest {
    @Test
    void onlyForwardMovesAreAllowedAndExitedIsFinal() {
        assertEquals(EnumSet.of(ContainerState.RUNNING, ContainerState.EXITED), next(ContainerState.CREATED));
        assertEquals(EnumSet.of(ContainerState.EXITED), next(ContainerState.RUNNING));
        assertEquals(EnumSet.noneOf(ContainerState.class), next(ContainerState.EXITED));
    }

    private static Set<ContainerState> next(ContainerState from) {
        var next = EnumSet.noneOf(ContainerState.class);
        for (var to : ContainerState.values()) {
            if (from.canBecome(to)) {
                next.add(to);
            }
        }
        return next;
    }
}
