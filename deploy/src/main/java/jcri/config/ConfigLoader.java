package jcri.config;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Reads {@code config.toml} and the drop-ins of {@code config.d/} beside it into {@link JcriConfig}. Each file is
 * parsed on its own, then they are merged in order (the main file, then the drop-ins by name): tables key by key, any
 * other value (arrays too) replaced by the later file. A key no configuration record takes is a warning, since a
 * rolled-back jcrid meets keys of a newer one; a value of the wrong type or out of range is an error naming the file
 * that set it, the key and what is allowed. A strict loader (for CI and for checking a configuration before it ships)
 * refuses unknown keys instead.
 */
public final class ConfigLoader {
    /** Where jcrid looks when no {@code --config} is given. */
    public static final Path DEFAULT_PATH = Path.of("/etc/jcri/config.toml");

    private final ObjectMapper toml = TomlMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .build();
    private final UnknownKeys unknownKeys = new UnknownKeys(toml);
    private final boolean strict;

    /** A loader that warns of unknown keys. */
    public ConfigLoader() {
        this(false);
    }

    /** {@code strict}: an unknown key is an error, not a warning. */
    public ConfigLoader(boolean strict) {
        this.strict = strict;
    }

    /**
     * A configuration as loaded.
     *
     * @param config the effective configuration
     * @param files the files read, in the order they were merged
     * @param warnings one line per key that was ignored, naming the file and the key
     * @param origins the file that set each value a file set, by its key path (table names, then the key)
     */
    public record Loaded(JcriConfig config, List<Path> files, List<String> warnings, Map<List<String>, String> origins) {
        /** Where the configuration came from, in merge order: "the embedded defaults, then FILE, then DROP-IN". */
        public String origin() {
            return "the embedded defaults" + files.stream().map(f -> ", then " + f).collect(Collectors.joining());
        }
    }

    /** One parsed file. */
    private record Source(String name, ObjectNode tree) {
    }

    /** The drop-in directory of a main config file: {@code config.d} beside it. */
    public static Path dropInDirectory(Path file) {
        return file.toAbsolutePath().resolveSibling("config.d");
    }

    /**
     * Loads a file and its drop-ins. A missing file is an error when {@code required}, the embedded defaults otherwise
     * (its drop-ins still apply); a missing drop-in directory is none.
     */
    public Loaded load(Path file, boolean required) {
        var files = new ArrayList<Path>();
        if (Files.exists(file) || required) {
            files.add(file);
        }
        files.addAll(dropIns(dropInDirectory(file)));
        var sources = new ArrayList<Source>();
        for (var f : files) {
            sources.add(new Source(f.toString(), tree(read(f), f.toString())));
        }
        return merge(sources, files);
    }

    /** Parses one TOML text as the only file; {@code source} names it in messages. */
    public Loaded parse(String text, String source) {
        return merge(List.of(new Source(source, tree(text, source))), List.of());
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new ConfigException("config file " + file + " does not exist");
        } catch (IOException e) {
            throw new ConfigException("cannot read config file " + file + ": " + e.getMessage());
        }
    }

    /** The {@code *.toml} files of {@code dir} in lexical order of their names; none if it does not exist. */
    private static List<Path> dropIns(Path dir) {
        if (!Files.exists(dir)) {
            return List.of();
        }
        try (var entries = Files.list(dir)) {
            return entries.filter(p -> p.getFileName().toString().endsWith(".toml") && !Files.isDirectory(p))
                    .sorted(Comparator.comparing(p -> p.getFileName().toString()))
                    .toList();
        } catch (IOException e) {
            throw new ConfigException("cannot read drop-in directory " + dir + ": " + e.getMessage());
        }
    }

    private ObjectNode tree(String text, String source) {
        try {
            return toml.readTree(text) instanceof ObjectNode object ? object : toml.createObjectNode();
        } catch (JacksonException e) {
            throw new ConfigException(source + ": not valid TOML: " + e.getOriginalMessage());
        }
    }

    private Loaded merge(List<Source> sources, List<Path> files) {
        var warnings = new ArrayList<String>();
        var origins = new HashMap<List<String>, String>();
        for (var source : sources) {
            unknownKeys.find(source.tree()).forEach(key -> warnings.add(source.name() + ": " + key.message()));
            note(source.tree(), List.of(), source.name(), origins);
        }
        if (strict && !warnings.isEmpty()) {
            throw new ConfigException(String.join("; ", warnings).replace("' ignored;", "' refused (strict);"));
        }
        try {
            return new Loaded(convert(sources), List.copyOf(files), List.copyOf(warnings), Map.copyOf(origins));
        } catch (JacksonException e) {
            throw new ConfigException(culprit(sources, e) + ": " + describe(e));
        }
    }

    private JcriConfig convert(List<Source> sources) throws JacksonException {
        var merged = toml.createObjectNode();
        sources.forEach(source -> overlay(merged, source.tree()));
        return toml.treeToValue(merged, JcriConfig.class);
    }

    /** Notes {@code source} as the origin of every value (not table) under {@code path} in {@code tree}. */
    private static void note(ObjectNode tree, List<String> path, String source, Map<List<String>, String> origins) {
        tree.properties().forEach(e -> {
            var key = Stream.concat(path.stream(), Stream.of(e.getKey())).toList();
            if (e.getValue() instanceof ObjectNode table) {
                note(table, key, source, origins);
            } else {
                origins.put(key, source);
            }
        });
    }

    /** Merges {@code upper} into {@code lower}: tables key by key, every other value replaced. */
    private static void overlay(ObjectNode lower, ObjectNode upper) {
        upper.properties().forEach(e -> {
            if (e.getValue() instanceof ObjectNode table && lower.get(e.getKey()) instanceof ObjectNode below) {
                overlay(below, table);
            } else {
                lower.set(e.getKey(), e.getValue().deepCopy());
            }
        });
    }

    /** The first file after which the merged configuration fails as the whole does: the one that set the bad value. */
    private String culprit(List<Source> sources, JacksonException whole) {
        for (int i = 0; i < sources.size() - 1; i++) {
            try {
                convert(sources.subList(0, i + 1));
            } catch (JacksonException e) {
                if (describe(e).equals(describe(whole))) {
                    return sources.get(i).name();
                }
            }
        }
        return sources.getLast().name();
    }

    private static String describe(JacksonException e) {
        if (e instanceof InvalidFormatException f) {
            return "key '" + path(f) + "' has the bad value '" + f.getValue() + "': expected " + typeName(f.getTargetType());
        }
        if (e instanceof MismatchedInputException m && m.getTargetType() != null) {
            return "key '" + path(m) + "' has a value of the wrong type: expected " + typeName(m.getTargetType());
        }
        if (e instanceof JsonMappingException m) {
            var cause = rootCause(m);
            var where = path(m);
            if (cause instanceof IllegalArgumentException) {
                return (where.isEmpty() ? "" : "in '" + where + "': ") + cause.getMessage();
            }
            return (where.isEmpty() ? "" : "key '" + where + "': ") + m.getOriginalMessage();
        }
        return "not valid TOML: " + e.getOriginalMessage();
    }

    private static Throwable rootCause(Throwable t) {
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t;
    }

    private static String path(JsonMappingException e) {
        return e.getPath().stream()
                .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                .collect(Collectors.joining("."))
                .replace(".[", "[");
    }

    private static String typeName(Class<?> type) {
        if (type == null) {
            return "another type";
        }
        if (type == Integer.class || type == int.class || type == Long.class || type == long.class) {
            return "an integer";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "true or false";
        }
        if (type == String.class) {
            return "a string";
        }
        if (List.class.isAssignableFrom(type)) {
            return "an array";
        }
        return "a table";
    }
}
