package jcri.daemon;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.logging.Logger;
import jcri.config.ConfigDiff;
import jcri.config.ConfigException;
import jcri.config.ConfigLoader;
import jcri.config.JcriConfig;
import jcri.image.RegistryHost;

/**
 * What SIGHUP does: reads the configuration file and its drop-ins again, applies the keys a running jcrid can change
 * ({@link JcriConfig#RELOADABLE}: the log level and format and the registry settings) and logs one line naming them
 * and the changed keys that need a restart. A configuration that does not load changes nothing.
 */
final class ConfigReload {
    private static final Logger LOG = Logger.getLogger(ConfigReload.class.getName());
    private static final Map<String, Integer> VERBOSITY = Map.of("error", 0, "warn", 1, "info", 2, "debug", 3);
    private final ConfigLoader loader;
    private final Path file;
    private final boolean required;
    private final Consumer<String> logLevel;
    private final Consumer<String> logFormat;
    private final Consumer<Map<String, RegistryHost>> registries;
    private JcriConfig running;

    /** What a reload did: whether the file loaded, and the line that says what happened. */
    record Outcome(boolean loaded, String summary) {
    }

    /**
     * Reloads {@code file} and its drop-ins through {@code loader} (read as at start: a missing file is an error when {@code required}, the
     * defaults otherwise) over the {@code running} configuration, applying the reloadable keys through
     * {@code logLevel}, {@code logFormat} and {@code registries}.
     */
    ConfigReload(ConfigLoader loader, Path file, boolean required, JcriConfig running, Consumer<String> logLevel, Consumer<String> logFormat,
                 Consumer<Map<String, RegistryHost>> registries) {
        this.loader = loader;
        this.file = file;
        this.required = required;
        this.running = running;
        this.logLevel = logLevel;
        this.logFormat = logFormat;
        this.registries = registries;
    }

    synchronized Outcome reload() {
        ConfigLoader.Loaded result;
        try {
            result = loader.load(file, required);
        } catch (ConfigException e) {
            var summary = "reload failed, the running configuration is unchanged: " + e.getMessage();
            LOG.warning(summary);
            return new Outcome(false, summary);
        }
        var loaded = result.config();
        var applied = new ArrayList<String>();
        var needRestart = new ArrayList<String>();
        for (var key : ConfigDiff.changedKeys(running, loaded)) {
            (JcriConfig.RELOADABLE.contains(key) ? applied : needRestart).add(key);
        }
        var dropIns = result.files().stream().filter(f -> !f.equals(file)).map(Path::toString).toList();
        var summary = "reloaded " + file + (dropIns.isEmpty() ? "" : " with " + String.join(", ", dropIns)) + ": "
                + (applied.isEmpty() ? "nothing to apply" : "applied " + describe(applied, loaded))
                + (needRestart.isEmpty() ? "" : "; changed, applied only at restart: " + String.join(", ", needRestart));
        if (applied.contains("images.registries")) {
            registries.accept(loaded.images().registries());
        }
        if (applied.contains("log_format")) {
            logFormat.accept(loaded.logFormat());
        }
        result.warnings().forEach(LOG::warning);
        // the line is logged while the more verbose of the two levels is in force
        boolean louder = VERBOSITY.get(loaded.logLevel()) > VERBOSITY.get(running.logLevel());
        if (louder) {
            logLevel.accept(loaded.logLevel());
        }
        LOG.info(summary);
        if (!louder) {
            logLevel.accept(loaded.logLevel());
        }
        running = running.withReloadable(loaded);
        return new Outcome(true, summary);
    }

    private String describe(List<String> applied, JcriConfig loaded) {
        return String.join(", ", applied.stream().map(key -> switch (key) {
            case "log_level" -> "log_level " + running.logLevel() + " -> " + loaded.logLevel();
            case "log_format" -> "log_format " + running.logFormat() + " -> " + loaded.logFormat();
            case "images.registries" -> "images.registries (" + loaded.images().registries().size() + " hosts)";
            default -> key;
        }).toList());
    }
}
