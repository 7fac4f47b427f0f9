package jcri.runtime.container;

import java.io.IOException;
import java.util.Map;
import java.util.Optional;
import jcri.api.CriException;

/** What the exit monitor and recovery ask of an OCI runtime: a container's state, signals, deletion. */
public interface OciRuntime {
    /** The state the runtime reports for a container. */
    record State(String status, long pid) {
    }

    /** The runtime's view of the container; empty if it has no record of it. */
    Optional<State> state(String id) throws IOException, InterruptedException;

    /** Sends {@code signal} (a name like TERM or a number); {@code all} signals every process of the container. */
    void kill(String id, String signal, boolean all) throws IOException, InterruptedException;

    /** Deletes the runtime's record of the container (forcefully, killing it if it still runs); unknown ids are fine. */
    void delete(String id) throws IOException, InterruptedException;

    /** The runtime of {@code handler}; INVALID_ARGUMENT for a handler jcrid was not configured with. */
    static <R extends OciRuntime> R of(Map<String, R> runtimes, String handler) {
        var runtime = runtimes.get(handler);
        if (runtime == null) {
            throw CriException.invalid("unknown runtime handler '%s'", handler);
        }
        return runtime;
    }
}
