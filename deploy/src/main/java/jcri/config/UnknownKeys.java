package jcri.config;

import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * The keys of a parsed {@code config.toml} that no configuration record takes, found with the same names the mapper
 * reads (so a key is unknown here exactly when the mapper would skip it). Keys of named tables
 * ({@code runtime.handlers}, {@code images.registries}) are names, never unknown; their entries are checked.
 */
final class UnknownKeys {
    private final ObjectMapper mapper;

    UnknownKeys(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    /** One key nothing takes: its dotted path and the keys its table does take. */
    record UnknownKey(String key, List<String> allowed) {
        /** The warning: {@code unknown key 'runtime.x' ignored; allowed here: cgroup_driver, …}. */
        String message() {
            return "unknown key '" + key + "' ignored; allowed here: " + String.join(", ", allowed);
        }
    }

    /** The unknown keys of {@code tree}, a whole file, in the file's order; a table nothing takes is one key. */
    List<UnknownKey> find(JsonNode tree) {
        var found = new ArrayList<UnknownKey>();
        walk(tree, mapper.constructType(JcriConfig.class), "", found);
        return found;
    }

    private void walk(JsonNode node, JavaType type, String prefix, List<UnknownKey> found) {
        if (!node.isObject()) {
            return;
        }
        if (type.isMapLikeType()) {
            node.properties().forEach(e -> walk(e.getValue(), type.getContentType(), prefix + e.getKey() + ".", found));
        } else if (type.isRecordType()) {
            var components = new TreeMap<String, JavaType>();
            for (var property : mapper.getDeserializationConfig().introspect(type).findProperties()) {
                components.put(property.getName(), property.getPrimaryType());
            }
            node.properties().forEach(e -> {
                var component = components.get(e.getKey());
                if (component == null) {
                    found.add(new UnknownKey(prefix + e.getKey(), List.copyOf(components.keySet())));
                } else {
                    walk(e.getValue(), component, prefix + e.getKey() + ".", found);
                }
            });
        }
    }
}
