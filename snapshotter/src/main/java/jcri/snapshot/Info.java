package jcri.snapshot;

import java.time.Instant;
import java.util.Map;

/** What is known of one snapshot. {@code parent} is empty for a base snapshot. */
public record Info(String key, String parent, Kind kind, Instant created, Map<String, String> labels) {
    /** The three states a snapshot can be in. */
    public enum Kind { ACTIVE, VIEW, COMMITTED }

    public Info {
        labels = Map.copyOf(labels);
    }
}
