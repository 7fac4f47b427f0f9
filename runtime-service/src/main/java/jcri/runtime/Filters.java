package jcri.runtime;

import java.util.Map;
import java.util.Optional;

/** The matching rules the CRI list filters share. */
public final class Filters {
    private Filters() {
    }

    /** Every selector pair is present in {@code labels}. */
    public static boolean labelsMatch(Map<String, String> selector, Map<String, String> labels) {
        return selector.entrySet().stream().allMatch(e -> e.getValue().equals(labels.get(e.getKey())));
    }

    /** The entry with id {@code idOrPrefix}, or the only one whose id starts with it. */
    public static <T> Optional<T> byIdOrPrefix(Map<String, T> byId, String idOrPrefix) {
        if (idOrPrefix.isEmpty()) {
            return Optional.empty();
        }
        var exact = byId.get(idOrPrefix);
        if (exact != null) {
            return Optional.of(exact);
        }
        var matches = byId.entrySet().stream().filter(e -> e.getKey().startsWith(idOrPrefix)).map(Map.Entry::getValue).toList();
        return matches.size() == 1 ? Optional.of(matches.getFirst()) : Optional.empty();
    }

    /** An empty filter id matches everything; otherwise the id or its prefix. */
    public static boolean idMatches(String filter, String id) {
        return filter.isEmpty() || id.startsWith(filter);
    }
}
