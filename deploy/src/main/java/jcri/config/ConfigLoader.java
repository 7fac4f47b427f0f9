package jcri.config;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.stream.Collectors;

/** Reads {@code config.toml} into {@link JcriConfig}, naming the key and what is allowed on any error. */
public final class ConfigLoader {
    /** Where jcrid looks when no {@code --config} is given. */
    public static final Path DEFAULT_PATH = Path.of("/etc/jcri/config.toml");

    private final ObjectMapper toml = TomlMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .build();

    /**
     * Loads a file. A missing file is an error when {@code required}, the embedded defaults otherwise.
     */
    public JcriConfig load(Path file, boolean required) {
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            if (required) {
                throw new ConfigException("config file " + file + " does not exist");
            }
            return JcriConfig.defaults();
        } catch (IOException e) {
            throw new ConfigException("cannot read config file " + file + ": " + e.getMessage());
        }
        return parse(text, file.toString());
    }

    /** Parses TOML text; {@code source} names it in messages. */
    public JcriConfig parse(String text, String source) {
        if (text.isBlank()) {
            return JcriConfig.defaults();
        }
        try {
            return toml.readValue(text, JcriConfig.class);
        } catch (JacksonException e) {
            throw new ConfigException(source + ": " + describe(e));
        }
    }

    private static String describe(JacksonException e) {
        if (e instanceof UnrecognizedPropertyException u) {
            var allowed = u.getKnownPropertyIds().stream().map(String::valueOf).sorted().collect(Collectors.joining(", "));
            return "unknown key '" + path(u) + "'; allowed here: " + allowed;
        }
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
        if (java.util.List.class.isAssignableFrom(type)) {
            return "an array";
        }
        return "a table";
    }
}
