package jcri.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Writes a configuration as a {@code config.toml} that {@link ConfigLoader} reads back to the same configuration
 * ({@code jcrid config}): every key with its effective value, one {@code [table]} per record and per named entry,
 * named entries sorted by name.
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
        var out = new StringBuilder("# jcrid's effective configuration: ").append(loaded.origin()).append('\n');
        table(TREE.valueToTree(loaded.config()), "", out);
        return out.toString();
    }

    private static void table(ObjectNode node, String name, StringBuilder out) {
        var tables = node.properties().stream().filter(e -> e.getValue().isObject()).toList();
        var values = node.properties().stream().filter(e -> !e.getValue().isObject() && !e.getValue().isNull()).toList();
        if (!name.isEmpty() && (!values.isEmpty() || tables.isEmpty())) {
            out.append('\n').append('[').append(name).append("]\n");
        }
        for (var e : values) {
            out.append(key(e.getKey())).append(" = ").append(value(e.getValue())).append('\n');
        }
        for (Map.Entry<String, JsonNode> e : tables) {
            table((ObjectNode) e.getValue(), (name.isEmpty() ? "" : name + ".") + key(e.getKey()), out);
        }
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
