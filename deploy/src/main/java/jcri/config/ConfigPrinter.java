package jcri.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Writes a configuration as a {@code config.toml} that {@link ConfigLoader} reads back to the same configuration
 * ({@code jcrid config}): every key with its effective value, one {@code [table]} per record and per named entry,
 * named entries sorted by name; a value a file set is followed by a comment naming that file, the others are the
 * embedded defaults.
 */
public final class ConfigPrinter {
    private static final ObjectMapper TREE = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);
    private static final Pattern BARE_KEY = Pattern.compile("[A-Za-z0-9_-]+");

    private ConfigPrinter() {
    }

    /** The TOML text of {@code loaded}'s configuration, headed by a comment naming where it came from. */
    public static String toml(ConfigLoader.Loaded loaded) {
        var out = new StringBuilder("# jcrid's effective configuration: ").append(loaded.origin()).append('\n')
                .append("# a value without a comment is an embedded default\n");
        table(TREE.valueToTree(loaded.config()), List.of(), loaded.origins(), out);
        return out.toString();
    }

    private static void table(ObjectNode node, List<String> path, Map<List<String>, String> origins, StringBuilder out) {
        var name = path.stream().map(ConfigPrinter::key).collect(Collectors.joining("."));
        var tables = node.properties().stream().filter(e -> e.getValue().isObject()).toList();
        var values = node.properties().stream().filter(e -> !e.getValue().isObject() && !e.getValue().isNull()).toList();
        if (!name.isEmpty() && (!values.isEmpty() || tables.isEmpty())) {
            out.append('\n').append('[').append(name).append("]\n");
        }
        for (var e : values) {
            out.append(key(e.getKey())).append(" = ").append(value(e.getValue()));
            var origin = origins.get(append(path, e.getKey()));
            out.append(origin == null ? "" : "  # " + origin).append('\n');
        }
        for (Map.Entry<String, JsonNode> e : tables) {
            table((ObjectNode) e.getValue(), append(path, e.getKey()), origins, out);
        }
    }

    private static List<String> append(List<String> path, String key) {
        return Stream.concat(path.stream(), Stream.of(key)).toList();
    }

    private static String key(String key) {
        return BARE_KEY.matcher(key).matches() ? key : value(new TextNode(key));
    }

    /**
     * A scalar or an array. JSON's string escapes are all TOML basic-string escapes too; TOML also wants DEL escaped,
     * which JSON leaves alone.
     */
    private static String value(JsonNode value) {
        if (value.isArray()) {
            return value.valueStream().map(ConfigPrinter::value).collect(Collectors.joining(", ", "[", "]"));
        }
        return value.toString().replace(String.valueOf((char) 0x7f), "\\u007F");
    }
}
