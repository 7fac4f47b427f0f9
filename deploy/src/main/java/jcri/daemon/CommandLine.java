package jcri.daemon;

import java.nio.file.Path;
import jcri.config.ConfigLoader;

/**
 * jcrid's arguments: {@code [--config PATH] [--strict-config] [config]}, {@code --version} or {@code --help}.
 *
 * @param action what to do
 * @param config the main configuration file
 * @param explicit whether {@code --config} named it (then it must exist)
 * @param strict whether an unknown key in the configuration is an error rather than a warning
 */
record CommandLine(Action action, Path config, boolean explicit, boolean strict) {
    static final String USAGE = "usage: jcrid [--config PATH] [--strict-config] [config] [--version]\n"
            + ImagesCommand.USAGE.replace("usage: ", "       ");

    enum Action {
        /** Serve CRI. */
        SERVE,
        /** Print the effective configuration as TOML and exit. */
        PRINT_CONFIG,
        VERSION,
        HELP
    }

    /** Parses {@code args}; a bad argument is an {@link IllegalArgumentException} whose message says what is wrong. */
    static CommandLine parse(String... args) {
        var action = Action.SERVE;
        Path config = ConfigLoader.DEFAULT_PATH;
        boolean explicit = false;
        boolean strict = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--config", "-c" -> {
                    if (i + 1 == args.length) {
                        throw new IllegalArgumentException("--config needs a path");
                    }
                    config = Path.of(args[++i]);
                    explicit = true;
                }
                case "--strict-config" -> strict = true;
                case "config" -> action = Action.PRINT_CONFIG;
                case "--version" -> action = Action.VERSION;
                case "--help", "-h" -> action = Action.HELP;
                default -> throw new IllegalArgumentException("unknown argument '" + args[i] + "'; " + USAGE);
            }
        }
        return new CommandLine(action, config, explicit, strict);
    }

    /** What {@code --help} prints. */
    static String help() {
        return USAGE + "\n"
                + "  config           print the effective configuration (the defaults, the file, then its drop-ins) as TOML and exit\n"
                + "  --config PATH    the configuration file; drop-ins are read from config.d/*.toml beside it\n"
                + "  --strict-config  an unknown key is an error (exit 2, or a refused reload), not a warning\n"
                + "  default config:  " + ConfigLoader.DEFAULT_PATH + " (optional; every key has a default)";
    }
}
