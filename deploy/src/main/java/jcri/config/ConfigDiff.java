package jcri.config;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import java.lang.reflect.InvocationTargetException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** Which keys of {@code config.toml} two configurations set differently. */
public final class ConfigDiff {
    private static final PropertyNamingStrategies.NamingBase SNAKE_CASE = new PropertyNamingStrategies.SnakeCaseStrategy();

    private ConfigDiff() {
    }

    /**
     * The dotted keys whose values differ, in the order of the records' components ({@code log_level},
     * {@code cni.conf_dir}); a table of named entries ({@code runtime.handlers}, {@code images.registries}) is one key.
     */
    public static List<String> changedKeys(JcriConfig before, JcriConfig after) {
        var keys = new ArrayList<String>();
        collect(before, after, "", keys);
        return keys;
    }

    private static void collect(Record before, Record after, String prefix, List<String> keys) {
        for (var component : before.getClass().getRecordComponents()) {
            Object a;
            Object b;
            try {
                a = component.getAccessor().invoke(before);
                b = component.getAccessor().invoke(after);
            } catch (IllegalAccessException | InvocationTargetException e) {
                throw new IllegalStateException("cannot read " + component, e);
            }
            var key = prefix + SNAKE_CASE.translate(component.getName());
            if (Objects.equals(a, b)) {
                continue;
            }
            if (a instanceof Record ra && b instanceof Record rb) {
                collect(ra, rb, key + ".", keys);
            } else {
                keys.add(key);
            }
        }
    }
}
