package jcri.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import jcri.config.ConfigLoader;
import jcri.daemon.CommandLine.Action;
import org.junit.jupiter.api.Test;

class CommandLineTest {
    @Test
    void noArgumentsServeTheDefaultFileWhichMayBeMissing() {
        assertEquals(new CommandLine(Action.SERVE, ConfigLoader.DEFAULT_PATH, false, false), CommandLine.parse());
    }

    @Test
    void configPrintsTheConfigurationOfTheNamedFileInEitherOrder() {
        var expected = new CommandLine(Action.PRINT_CONFIG, Path.of("/x/c.toml"), true, false);
        assertEquals(expected, CommandLine.parse("--config", "/x/c.toml", "config"));
        assertEquals(expected, CommandLine.parse("config", "-c", "/x/c.toml"));
        assertEquals(new CommandLine(Action.PRINT_CONFIG, ConfigLoader.DEFAULT_PATH, false, false), CommandLine.parse("config"));
    }

    @Test
    void strictConfigMakesUnknownKeysErrorsForServingAndChecking() {
        assertTrue(CommandLine.parse("--strict-config").strict());
        assertEquals(new CommandLine(Action.PRINT_CONFIG, ConfigLoader.DEFAULT_PATH, false, true), CommandLine.parse("config", "--strict-config"));
    }

    @Test
    void versionAndHelp() {
        assertEquals(Action.VERSION, CommandLine.parse("--version").action());
        assertEquals(Action.HELP, CommandLine.parse("-h").action());
        assertTrue(CommandLine.help().contains("config.d/*.toml"), CommandLine.help());
    }

    @Test
    void badArgumentsSayWhatIsWrong() {
        assertEquals("--config needs a path", assertThrows(IllegalArgumentException.class, () -> CommandLine.parse("--config")).getMessage());
        assertEquals("unknown argument 'dump'; " + CommandLine.USAGE,
                assertThrows(IllegalArgumentException.class, () -> CommandLine.parse("config", "dump")).getMessage());
        assertTrue(CommandLine.USAGE.startsWith("usage: jcrid [--config PATH] [--strict-config] [config] [--version]\n       jcrid images import"),
                CommandLine.USAGE);
    }
}
