package jcri.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class ConfigDiffTest {
    private final ConfigLoader loader = new ConfigLoader();

    @Test
    void namesEachChangedKeyAsTheFileSpellsIt() {
        var before = loader.parse("log_level = \"info\"\n[cni]\nconf_dir = \"/a\"\n", "before").config();
        var after = loader.parse("""
                log_level = "debug"
                [cni]
                conf_dir = "/b"
                [images]
                max_concurrent_downloads = 5
                [images.registries."r.io"]
                plain_http = true
                [runtime.handlers.kata]
                path = "/usr/bin/kata"
                """, "after").config();
        assertEquals(List.of("log_level", "runtime.handlers", "cni.conf_dir", "images.max_concurrent_downloads", "images.registries"),
                ConfigDiff.changedKeys(before, after));
    }

    @Test
    void equalConfigurationsDifferInNothing() {
        assertEquals(List.of(), ConfigDiff.changedKeys(JcriConfig.defaults(), loader.parse("", "empty").config()));
    }

    @Test
    void withReloadableTakesOnlyTheReloadableKeys() {
        var running = loader.parse("root = \"/r\"\n", "running").config();
        var loaded = loader.parse("""
                root = "/other"
                log_level = "warn"
                log_format = "json"
                [images.registries."r.io"]
                plain_http = true
                """, "loaded").config();
        var merged = running.withReloadable(loaded);
        assertEquals(List.of("root"), ConfigDiff.changedKeys(merged, loaded));
        assertEquals(JcriConfig.RELOADABLE, ConfigDiff.changedKeys(running, merged));
    }
}
