package jcri.runtime.container;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** An OCI runtime that only remembers what it was asked and answers {@code state} from a map. */
final class FakeRuntime implements OciRuntime {
    final Map<String, State> states = new HashMap<>();
    final List<String> calls = new ArrayList<>();

    @Override
    public Optional<State> state(String id) {
        calls.add("state " + id);
        return Optional.ofNullable(states.get(id));
    }

    @Override
    public void kill(String id, String signal, boolean all) {
        calls.add("kill " + id + " " + signal + (all ? " all" : ""));
    }

    @Override
    public void delete(String id) {
        calls.add("delete " + id);
    }
}
