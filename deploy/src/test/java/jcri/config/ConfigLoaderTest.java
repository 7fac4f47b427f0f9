package jcri.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
    private final ConfigLoader loader = new ConfigLoader();

    @Test
    void missingOptionalFileGivesEmbeddedDefaults(@TempDir Path dir) {
        var config = loader.load(dir.resolve("absent.toml"), false);
        assertEquals("/var/lib/jcri", config.root());
        assertEquals("/run/jcri", config.state());
        assertEquals("/run/jcri/jcri.sock", config.socket());
        assertEquals("runc", config.runtime().defaultHandler());
        assertEquals("/usr/sbin/runc", config.runtime().handlers().get("runc").path());
        assertEquals("cgroupfs", config.runtime().cgroupDriver());
        assertEquals("/etc/cni/net.d", config.cni().confDir());
        assertEquals(List.of("/opt/cni/bin", "/usr/lib/cni"), config.cni().binDirs());
        assertEquals("127.0.0.1:9464", config.metrics().address());
        assertEquals(3, config.images().maxConcurrentDownloads());
        assertEquals(List.of("/etc/cdi", "/var/run/cdi"), config.cdi().specDirs());
    }

    @Test
    void theShippedConfigFileLoadsAndStatesTheDefaults() {
        var shipped = loader.load(Path.of("../deploy/etc/config.toml"), true);
        assertEquals(JcriConfig.defaults(), shipped);
    }

    @Test
    void aRelativeCdiSpecDirIsRefused() {
        var e = assertThrows(ConfigException.class, () -> loader.parse("[cdi]\nspec_dirs = [\"cdi\"]\n", "t"));
        assertTrue(e.getMessage().contains("spec_dirs must be absolute"), e.getMessage());
    }

    @Test
    void missingRequiredFileIsAnError(@TempDir Path dir) {
        var e = assertThrows(ConfigException.class, () -> loader.load(dir.resolve("absent.toml"), true));
        assertTrue(e.getMessage().contains("does not exist"), e.getMessage());
    }

    @Test
    void readsEveryKindOfKey(@TempDir Path dir) throws Exception {
        var file = dir.resolve("config.toml");
        Files.writeString(file, """
                root = "/tmp/r"
                state = "/tmp/s"
                socket = "unix:///tmp/s/x.sock"
                log_level = "debug"
                [runtime]
                cgroup_driver = "systemd"
                default_handler = "kata"
                [runtime.handlers.kata]
                path = "/usr/bin/kata-runtime"
                [cni]
                conf_dir = "/tmp/net.d"
                bin_dirs = ["/tmp/bin"]
                [metrics]
                address = ""
                [images]
                max_concurrent_downloads = 5
                [images.registries."127.0.0.1:5000"]
                mirrors = ["http://127.0.0.1:5001"]
                plain_http = true
                [cdi]
                spec_dirs = ["/opt/cdi"]
                """);
        var config = loader.load(file, true);
        assertEquals(List.of("/opt/cdi"), config.cdi().specDirs());
        assertEquals("/tmp/s/x.sock", config.socket());
        assertEquals("systemd", config.runtime().cgroupDriver());
        assertEquals("/usr/bin/kata-runtime", config.runtime().handlers().get("kata").path());
        assertTrue(config.runtime().handlers().containsKey("runc"), "built-in handlers stay");
        assertEquals(List.of("/tmp/bin"), config.cni().binDirs());
        assertEquals("", config.metrics().address());
        assertEquals(5, config.images().maxConcurrentDownloads());
        var registry = config.images().registries().get("127.0.0.1:5000");
        assertEquals(List.of("http://127.0.0.1:5001"), registry.mirrors());
        assertTrue(registry.plainHttp());
    }

    @Test
    void unknownKeyIsNamedWithTheAllowedOnes() {
        var e = assertThrows(ConfigException.class, () -> loader.parse("[runtime]\ncgroup_drivr = \"systemd\"\n", "t.toml"));
        assertTrue(e.getMessage().contains("unknown key 'runtime.cgroup_drivr'"), e.getMessage());
        assertTrue(e.getMessage().contains("cgroup_driver"), e.getMessage());
    }

    @Test
    void badValueNamesKeyAndWhatIsAllowed() {
        var e = assertThrows(ConfigException.class, () -> loader.parse("[runtime]\ncgroup_driver = \"cgroupv3\"\n", "t.toml"));
        assertTrue(e.getMessage().contains("runtime"), e.getMessage());
        assertTrue(e.getMessage().contains("cgroupfs or systemd"), e.getMessage());
    }

    @Test
    void wrongTypeNamesKeyAndType() {
        var e = assertThrows(ConfigException.class, () -> loader.parse("[streaming]\nport = \"high\"\n", "t.toml"));
        assertTrue(e.getMessage().contains("streaming.port"), e.getMessage());
        assertTrue(e.getMessage().contains("integer"), e.getMessage());
    }

    @Test
    void unknownDefaultHandlerIsRefused() {
        var e = assertThrows(ConfigException.class, () -> loader.parse("[runtime]\ndefault_handler = \"gvisor\"\n", "t.toml"));
        assertTrue(e.getMessage().contains("default_handler 'gvisor'"), e.getMessage());
    }

    @Test
    void relativeSocketIsRefused() {
        var e = assertThrows(ConfigException.class, () -> loader.parse("socket = \"jcri.sock\"\n", "t.toml"));
        assertTrue(e.getMessage().contains("absolute"), e.getMessage());
    }

    @Test
    void brokenTomlIsReported() {
        var e = assertThrows(ConfigException.class, () -> loader.parse("root = \n", "t.toml"));
        assertTrue(e.getMessage().startsWith("t.toml: "), e.getMessage());
    }
}
