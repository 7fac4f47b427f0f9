package jcri.runtime.container;

/**
 * Where a container is in its life. The only moves are CREATED → RUNNING → EXITED and
 * CREATED → EXITED (a start that never ran, a kill before start); EXITED is final. Stored by
 * name, as the string constants it replaced were.
 */
public enum ContainerState {
    CREATED, RUNNING, EXITED;

    /** Whether a container in this state may move to {@code next}. */
    public boolean canBecome(ContainerState next) {
        return switch (this) {
            case CREATED -> next == RUNNING || next == EXITED;
            case RUNNING -> next == EXITED;
            case EXITED -> false;
        };
    }
}
