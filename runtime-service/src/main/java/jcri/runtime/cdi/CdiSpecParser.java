package jcri.runtime.cdi;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads one CDI spec file, JSON ({@code .json}) or YAML ({@code .yaml}), and validates it. */
final class CdiSpecParser {
    private static final ObjectMapper JSON = strict(JsonMapper.builder().build());
    private static final ObjectMapper YAML = strict(new YAMLMapper());

    /** A file read: its spec, or why it is skipped (and its kind, when that much could be read). */
    sealed interface Result {
    }

    record Valid(CdiSpec spec) implements Result {
    }

    record Invalid(String kind, String reason) implements Result {
    }

    private CdiSpecParser() {
    }

    static boolean isSpecFile(Path file) {
        var name = file.getFileName().toString();
        return name.endsWith(".json") || name.endsWith(".yaml");
    }

    static Result parse(Path file) {
        var mapper = file.getFileName().toString().endsWith(".yaml") ? YAML : JSON;
        String kind = "";
        try {
            var tree = mapper.readTree(Files.readAllBytes(file));
            if (tree == null || !tree.isObject()) {
                return new Invalid("", "not a JSON or YAML object");
            }
            kind = tree.path("kind").asText("");
            var spec = mapper.treeToValue(tree, CdiSpec.class);
            CdiSpecValidator.validate(spec);
            return new Valid(spec);
        } catch (UnrecognizedPropertyException e) {
            return new Invalid(kind, "field '" + e.getPropertyName() + "' is unknown to jcri"
                    + " (it applies env, deviceNodes, mounts, hooks and additionalGids)");
        } catch (JacksonException e) {
            return new Invalid(kind, e.getOriginalMessage());
        } catch (IOException | IllegalArgumentException e) {
            return new Invalid(kind, e.getMessage());
        }
    }

    private static ObjectMapper strict(ObjectMapper mapper) {
        return mapper.enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);
    }
}
