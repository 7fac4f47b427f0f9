package jcri.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import jcri.config.ConfigLoader;
import jcri.image.RegistryHost;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SIGHUP's reload: what is applied, what is only named, and a bad file changing nothing. */
class ConfigReloadTest {
    @TempDir
    Path dir;
    private Path file;
    private final List<String> levels = new ArrayList<>();
    private final List<String> formats = new ArrayList<>();
    private final List<Map<String, RegistryHost>> registries = new ArrayList<>();
    private ConfigReload reload;

    @BeforeEach
    void running() throws Exception {
        file = dir.resolve("config.toml");
        Files.writeString(file, "root = \"/var/lib/jcri\"\nlog_level = \"info\"\n");
        reload = new ConfigReload(new ConfigLoader(), file, true, new ConfigLoader().load(file, true).config(), levels::add, formats::add,
                registries::add);
    }

    @Test
    void appliesLogLevelAndRegistriesAndNamesWhatNeedsARestart() throws Exception {
        Files.writeString(file, """
                root = "/srv/jcri"
                log_level = "debug"
                [cni]
                conf_dir = "/etc/other"
                [images.registries."docker.io"]
                mirrors = ["http://127.0.0.1:5000"]
                """);
        var outcome = reload.reload();
        assertTrue(outcome.loaded());
        assertEquals("reloaded " + file + ": applied log_level info -> debug, images.registries (1 hosts); "
                + "changed, applied only at restart: root, cni.conf_dir", outcome.summary());
        assertEquals(List.of("debug"), levels);
        assertEquals(List.of(Map.of("docker.io", new RegistryHost(List.of("http://127.0.0.1:5000"), null, null, null))), registries);
    }

    @Test
    void aKeyNeedingARestartIsNamedAgainUntilThenButAppliedKeysAreNot() throws Exception {
        Files.writeString(file, "root = \"/srv/jcri\"\nlog_level = \"warn\"\n");
        reload.reload();
        var again = reload.reload();
        assertEquals("reloaded " + file + ": nothing to apply; changed, applied only at restart: root", again.summary());
        assertEquals(List.of(), registries, "unchanged registries are not replaced (that would forget their TLS clients)");
    }

    @Test
    void aFileThatDoesNotLoadChangesNothing() throws Exception {
        Files.writeString(file, "log_level = \"loud\"\n");
        var outcome = reload.reload();
        assertFalse(outcome.loaded());
        assertTrue(outcome.summary().startsWith("reload failed, the running configuration is unchanged: " + file), outcome.summary());
        assertTrue(outcome.summary().contains("log_level must be one of error, warn, info, debug (got 'loud')"), outcome.summary());
        Files.writeString(file, "log_level = [\n");
        assertTrue(reload.reload().summary().contains("not valid TOML"));
        Files.delete(file);
        assertTrue(reload.reload().summary().endsWith("config file " + file + " does not exist"));
        assertEquals(List.of(), levels);
        assertEquals(List.of(), registries);

        Files.writeString(file, "root = \"/var/lib/jcri\"\nlog_level = \"info\"\n");
        assertEquals("reloaded " + file + ": nothing to apply", reload.reload().summary(), "a good file after bad ones: as it was");
    }

    @Test
    void readsTheDropInsAgainAndAppliesTheLogFormat() throws Exception {
        var dropIns = Files.createDirectories(dir.resolve("config.d"));
        var json = Files.writeString(dropIns.resolve("10-json.toml"), "log_format = \"json\"\n");
        var outcome = reload.reload();
        assertEquals("reloaded " + file + " with " + json + ": applied log_format text -> json", outcome.summary());
        assertEquals(List.of("json"), formats);

        Files.writeString(dropIns.resolve("20-newer.toml"), "[images]\nmax_parallel_unpacks = 2\n");
        assertTrue(reload.reload().loaded(), "an unknown key only warns");
        Files.delete(json);
        Files.delete(dropIns.resolve("20-newer.toml"));
        assertEquals("reloaded " + file + ": applied log_format json -> text", reload.reload().summary());
        assertEquals(List.of("json", "text"), formats);
    }

    @Test
    void anOptionalFileThatWentAwayMeansTheDefaults() throws Exception {
        var optional = new ConfigReload(new ConfigLoader(), dir.resolve("absent.toml"), false, new ConfigLoader().load(file, true).config(), levels::add,
                formats::add, registries::add);
        assertEquals("reloaded " + dir.resolve("absent.toml") + ": nothing to apply", optional.reload().summary());
    }
}
