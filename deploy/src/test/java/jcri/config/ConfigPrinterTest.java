package jcri.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code jcrid config}: the printed TOML reads back to the configuration it was printed from. */
class ConfigPrinterTest {
    private final ConfigLoader loader = new ConfigLoader();

    private JcriConfig readBack(ConfigLoader.Loaded loaded) {
        var printed = loader.parse(ConfigPrinter.toml(loaded), "printed");
        assertEquals(List.of(), printed.warnings(), "every printed key is a known one");
        return printed.config();
    }

    @Test
    void theDefaultsRoundTrip() {
        var defaults = loader.parse("", "empty");
        assertEquals(JcriConfig.defaults(), readBack(defaults));
    }

    @Test
    void everyKindOfValueRoundTrips() {
        var loaded = loader.parse("""
                root = "/srv/jcri \\"quoted\\" \\\\ back\\tslash"
                log_level = "debug"
                log_format = "json"
                [runtime]
                cgroup_driver = "systemd"
                default_handler = "kata"
                [runtime.handlers.kata]
                path = "/usr/bin/kata-runtime"
                root = "/run/kata\\u007f"
                [cni]
                bin_dirs = ["/a", "/b c"]
                [streaming]
                port = 10010
                [metrics]
                address = ""
                [images]
                max_layer_unpacked_bytes = 1099511627776
                [images.registries."127.0.0.1:5000"]
                mirrors = ["http://127.0.0.1:5001"]
                plain_http = true
                [images.registries."docker.io"]
                ca_file = "/etc/ssl/ca.pem"
                [cdi]
                spec_dirs = []
                """, "full");
        assertEquals(loaded.config(), readBack(loaded));
    }

    @Test
    void printsOneTablePerRecordAndEntryHeadedByWhereItCameFrom() {
        var loaded = new ConfigLoader.Loaded(loader.parse("[images.registries.\"r.io:5000\"]\nplain_http = true\n", "t").config(),
                List.of(Path.of("/etc/jcri/config.toml"), Path.of("/etc/jcri/config.d/10-a.toml")), List.of(),
                Map.of(List.of("images", "registries", "r.io:5000", "plain_http"), "/etc/jcri/config.d/10-a.toml"));
        var text = ConfigPrinter.toml(loaded);
        assertTrue(text.startsWith("# jcrid's effective configuration: the embedded defaults, then /etc/jcri/config.toml, "
                + "then /etc/jcri/config.d/10-a.toml\n# a value without a comment is an embedded default\nroot = \"/var/lib/jcri\"\nstate = \"/run/jcri\"\n"), text);
        assertTrue(text.contains("\n[runtime]\ndefault_handler = \"runc\"\n"), text);
        assertTrue(text.contains("\n[runtime.handlers.crun]\npath = \"/usr/bin/crun\"\nroot = \"\"\n\n[runtime.handlers.runc]\n"),
                "entries sorted by name, and no header for a table of tables only: " + text);
        assertTrue(text.contains("\n[cni]\nconf_dir = \"/etc/cni/net.d\"\nbin_dirs = [\"/opt/cni/bin\", \"/usr/lib/cni\"]\n"), text);
        assertTrue(text.contains("\n[images.registries.\"r.io:5000\"]\nmirrors = []\nplain_http = true  # /etc/jcri/config.d/10-a.toml\n"), text);
    }

    @Test
    void anEmptyNamedTableIsPrintedAsOne() {
        var text = ConfigPrinter.toml(loader.parse("", "empty"));
        assertTrue(text.contains("\n[images.registries]\n"), text);
    }
}
