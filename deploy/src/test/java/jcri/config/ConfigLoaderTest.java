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

    private String refused(String toml) {
        return assertThrows(ConfigException.class, () -> loader.parse(toml, "t.toml")).getMessage();
    }

    @Test
    void runtimeSectionDefaults() {
        var runtime = loader.parse("[runtime]\n", "t.toml").runtime();
        assertEquals("/usr/bin/crun", runtime.handlers().get("crun").path());
        assertEquals("", runtime.handlers().get("runc").root(), "empty root: <state>/runtime/<handler>");
        assertEquals("/usr/bin/conmon", runtime.conmon());
        assertEquals(10, runtime.defaultStopTimeoutSeconds());
        assertEquals("/jcri", runtime.defaultCgroupParent());
    }

    @Test
    void theSystemdDriverDefaultsToASliceAndRefusesAPath() {
        assertEquals("jcri.slice", loader.parse("[runtime]\ncgroup_driver = \"systemd\"\n", "t.toml").runtime().defaultCgroupParent());
        assertEquals("t.toml: in 'runtime': default_cgroup_parent '/pods' does not suit cgroup_driver systemd (systemd takes a slice "
                + "name such as jcri.slice, cgroupfs a path such as /jcri)",
                refused("[runtime]\ncgroup_driver = \"systemd\"\ndefault_cgroup_parent = \"/pods\"\n"));
        assertEquals("t.toml: in 'runtime': default_cgroup_parent 'pods.slice' does not suit cgroup_driver cgroupfs (systemd takes a "
                + "slice name such as jcri.slice, cgroupfs a path such as /jcri)",
                refused("[runtime]\ndefault_cgroup_parent = \"pods.slice\"\n"));
    }

    @Test
    void aNegativeStopTimeoutIsRefused() {
        assertEquals("t.toml: in 'runtime': default_stop_timeout_seconds must be 0 or more",
                refused("[runtime]\ndefault_stop_timeout_seconds = -1\n"));
    }

    @Test
    void aHandlerNeedsAPathAndMayReplaceABuiltInOne() {
        assertEquals("t.toml: in 'runtime.handlers.kata': path of a runtime handler must be set",
                refused("[runtime.handlers.kata]\nroot = \"/run/kata\"\n"));
        var runtime = loader.parse("[runtime.handlers.runc]\npath = \"/opt/runc\"\nroot = \"/run/r\"\n", "t.toml").runtime();
        assertEquals(new RuntimeHandler("/opt/runc", "/run/r"), runtime.handlers().get("runc"));
        assertEquals("/usr/bin/crun", runtime.handlers().get("crun").path(), "the other built-in handler stays");
    }

    @Test
    void streamingSectionDefaults() {
        var streaming = JcriConfig.defaults().streaming();
        assertEquals("127.0.0.1", streaming.address());
        assertEquals(0, streaming.port(), "0 picks a free port");
        assertEquals(60, streaming.tokenTtlSeconds());
        assertEquals(4 * 3600, streaming.idleTimeoutSeconds());
        assertEquals("", streaming.tlsCert());
        assertEquals("", streaming.tlsKey());
    }

    @Test
    void streamingValuesAreChecked() {
        assertEquals("t.toml: in 'streaming': port must be between 0 and 65535 (got 65536)", refused("[streaming]\nport = 65536\n"));
        assertEquals("t.toml: in 'streaming': tls_cert and tls_key must be set together",
                refused("[streaming]\ntls_cert = \"/etc/jcri/cert.pem\"\n"));
        assertEquals("t.toml: in 'streaming': token_ttl_seconds and idle_timeout_seconds must be positive",
                refused("[streaming]\ntoken_ttl_seconds = 0\n"));
        assertEquals("t.toml: in 'streaming': token_ttl_seconds and idle_timeout_seconds must be positive",
                refused("[streaming]\nidle_timeout_seconds = -5\n"));
    }

    @Test
    void imagesSectionDefaults() {
        var images = JcriConfig.defaults().images();
        assertEquals(64L << 30, images.maxLayerUnpackedBytes());
        assertEquals(250, images.maxExpansionRatio());
        assertEquals(0, images.pullTimeoutSeconds(), "no pull timeout");
        assertEquals("", images.sandboxImage());
        assertEquals(java.util.Map.of(), images.registries());
        assertEquals("/etc/jcri/auth.json", images.authFile());
        assertEquals("/etc/jcri/certs.d", images.configPath());
    }

    @Test
    void authFileIsAnAbsolutePathOrEmpty() {
        assertEquals("/srv/auth.json", loader.parse("[images]\nauth_file = \"/srv/auth.json\"\n", "t.toml").images().authFile());
        assertEquals("", loader.parse("[images]\nauth_file = \"\"\n", "t.toml").images().authFile(), "\"\" turns it off");
        assertEquals("t.toml: in 'images': auth_file must be an absolute path or \"\" (got 'auth.json')",
                refused("[images]\nauth_file = \"auth.json\"\n"));
        assertEquals("", loader.parse("[images]\nconfig_path = \"\"\n", "t.toml").images().configPath());
        assertEquals("t.toml: in 'images': config_path must be an absolute path or \"\" (got 'certs.d')",
                refused("[images]\nconfig_path = \"certs.d\"\n"));
    }

    @Test
    void imagesValuesAreChecked() {
        assertEquals("t.toml: in 'images': max_concurrent_downloads must be a positive number (got 0)",
                refused("[images]\nmax_concurrent_downloads = 0\n"));
        assertEquals("t.toml: in 'images': max_expansion_ratio must be a positive number (got -2)",
                refused("[images]\nmax_expansion_ratio = -2\n"));
        assertEquals("t.toml: in 'images': max_layer_unpacked_bytes must be a positive byte count",
                refused("[images]\nmax_layer_unpacked_bytes = 0\n"));
        assertEquals("t.toml: in 'images': pull_timeout_seconds must be 0 (no limit) or more",
                refused("[images]\npull_timeout_seconds = -1\n"));
    }

    @Test
    void registryHostDefaultsAndUnknownKeys() {
        var host = loader.parse("[images.registries.\"r.example\"]\n", "t.toml").images().registries().get("r.example");
        assertEquals(new jcri.image.RegistryHost(List.of(), false, false, ""), host);
        var message = refused("[images.registries.\"r.example\"]\nmirror = [\"https://m\"]\n");
        assertEquals("t.toml: unknown key 'images.registries.r.example.mirror'; allowed here: ca_file, insecure_skip_verify, "
                + "mirrors, plain_http", message);
    }

    @Test
    void metricsAddressMustBeHostAndPortOrEmpty() {
        assertEquals("t.toml: in 'metrics': address must be host:port or empty (got 'localhost')",
                refused("[metrics]\naddress = \"localhost\"\n"));
        assertEquals("t.toml: in 'metrics': address must be host:port or empty (got ':9464')",
                refused("[metrics]\naddress = \":9464\"\n"));
        assertEquals("[::1]:9464", loader.parse("[metrics]\naddress = \"[::1]:9464\"\n", "t.toml").metrics().address());
    }

    @Test
    void logLevelIsOneOfFour() {
        assertEquals("info", JcriConfig.defaults().logLevel());
        assertEquals("t.toml: log_level must be one of error, warn, info, debug (got 'trace')", refused("log_level = \"trace\"\n"));
    }

    @Test
    void blankValuesTakeTheDefaultsAndTheSocketFollowsTheStateDir() {
        var config = loader.parse("root = \"\"\nstate = \"/run/other\"\n", "t.toml");
        assertEquals("/var/lib/jcri", config.root());
        assertEquals("/run/other/jcri.sock", config.socket());
        assertEquals(JcriConfig.defaults(), loader.parse("  \n", "t.toml"), "a blank file is all defaults");
    }

    @Test
    void wrongTypesNameTheExpectedType() {
        assertEquals("t.toml: key 'cni.bin_dirs' has a value of the wrong type: expected an array",
                refused("[cni]\nbin_dirs = \"/opt/cni/bin\"\n"));
        assertEquals("t.toml: key 'images.registries.r.plain_http' has the bad value 'yes': expected true or false",
                refused("[images.registries.r]\nplain_http = \"yes\"\n"));
        assertEquals("t.toml: key 'runtime' has a value of the wrong type: expected a table", refused("runtime = \"runc\"\n"));
    }

    @Test
    void anUnreadableFileIsNamed(@TempDir Path dir) {
        var e = assertThrows(ConfigException.class, () -> loader.load(dir, false));
        assertTrue(e.getMessage().startsWith("cannot read config file " + dir + ": "), e.getMessage());
    }
}
