package jcri.runtime.oci;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * The differences between two JSON trees, each named by its JSON path ({@code $.linux.resources.cpu.shares}). Whole
 * numbers are compared by value (a tree read from text and one made from a record hold them in different node types).
 */
final class JsonDiff {
    private JsonDiff() {
    }

    static List<String> of(JsonNode expected, JsonNode actual) {
        var out = new ArrayList<String>();
        walk("$", expected, actual, out);
        return out;
    }

    private static void walk(String path, JsonNode expected, JsonNode actual, List<String> out) {
        if (expected == null || actual == null) {
            out.add(path + (expected == null ? ": unexpected " + actual : ": missing, expected " + expected));
        } else if (expected.isObject() && actual.isObject()) {
            var names = new TreeSet<String>();
            expected.fieldNames().forEachRemaining(names::add);
            actual.fieldNames().forEachRemaining(names::add);
            names.forEach(n -> walk(path + "." + n, expected.get(n), actual.get(n), out));
        } else if (expected.isArray() && actual.isArray()) {
            for (int i = 0; i < Math.max(expected.size(), actual.size()); i++) {
                walk(path + "[" + i + "]", expected.get(i), actual.get(i), out);
            }
        } else if (expected.isIntegralNumber() && actual.isIntegralNumber()
                ? !expected.bigIntegerValue().equals(actual.bigIntegerValue()) : !expected.equals(actual)) {
            out.add(path + ": expected " + expected + ", got " + actual);
        }
    }
}
