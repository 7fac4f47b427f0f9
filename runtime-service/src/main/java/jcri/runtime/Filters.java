package jcri.runtime;

import java.util.Map;

/** The matching rules the CRI list filters share. */
public final class Filters {
    private Filters() {
    }

    /** Every selector pair is present in {@code labels}. */
    public static boolean labelsMatch(Map<String, String> selector, Map<String, String> labels) {
        return selector.entrySet().stream().allMatch(e -> e.getValue().equals(labels.get(e.getKey())));
    }

    /** An empty filter id matches everything; otherwise the id or its prefix. */
    public static boolean idMatches(String filter, String id) {
        return filter.isEmpty() || id.startsWith(filter);
    }
}
