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
        var config = loader.load(dir.resolve("absent.toml"), false).config();
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
        assertEquals(JcriConfig.defaults(), shipped.config());
        assertEquals(List.of(), shipped.warnings(), "every key it shows is one jcrid knows");
    }

    @Test
    void aRelativeCdiSpecDirIsRefused() {
        var e = assertThrows(ConfigException.class, () -> loader.parse("[cdi]\nspec_dirs = [\"cdi\"]\n", "t").config());
        assertTrue(e.getMessage().contains("spec_dirs must be absolute"), e.getMessage());
    }

    @Test
    void missingRequiredFileIsAnError(@TempDir Path dir) {
        var e = assertThrows(ConfigException.class, () -> loader.load(dir.resolve("absent.toml"), true).config());
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
        var config = loader.load(file, true).config();
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
    void unknownKeysAtAnyLevelAreWarningsNamingFileKeyAndTheAllowedOnes() {
        var loaded = loader.parse("""
                future_key = 1
                [runtime]
                cgroup_drivr = "systemd"
                [runtime.handlers.kata]
                path = "/usr/bin/kata"
                shim = "v2"
                [plugins."io.containerd.grpc.v1.cri"]
                sandbox_image = "pause"
                """, "t.toml");
        assertEquals(List.of(
                "t.toml: unknown key 'future_key' ignored; allowed here: cdi, cni, images, log_format, log_level, metrics, root, "
                        + "runtime, socket, state, streaming",
                "t.toml: unknown key 'runtime.cgroup_drivr' ignored; allowed here: cgroup_driver, conmon, default_cgroup_parent, "
                        + "default_handler, default_stop_timeout_seconds, handlers",
                "t.toml: unknown key 'runtime.handlers.kata.shim' ignored; allowed here: path, root",
                "t.toml: unknown key 'plugins' ignored; allowed here: cdi, cni, images, log_format, log_level, metrics, root, "
                        + "runtime, socket, state, streaming"), loaded.warnings());
        assertEquals("cgroupfs", loaded.config().runtime().cgroupDriver(), "the misspelt key changed nothing");
        assertEquals(new RuntimeHandler("/usr/bin/kata", ""), loaded.config().runtime().handlers().get("kata"), "the known keys beside it apply");
    }

    @Test
    void badValueNamesKeyAndWhatIsAllowed() {
        var e = assertThrows(ConfigException.class, () -> loader.parse("[runtime]\ncgroup_driver = \"cgroupv3\"\n", "t.toml").config());
        assertTrue(e.getMessage().contains("runtime"), e.getMessage());
        assertTrue(e.getMessage().contains("cgroupfs or systemd"), e.getMessage());
    }

    @Test
    void wrongTypeNamesKeyAndType() {
        var e = assertThrows(ConfigException.class, () -> loader.parse("[streaming]\nport = \"high\"\n", "t.toml").config());
        assertTrue(e.getMessage().contains("streaming.port"), e.getMessage());
        assertTrue(e.getMessage().contains("integer"), e.getMessage());
    }

    @Test
    void unknownDefaultHandlerIsRefused() {
        var e = assertThrows(ConfigException.class, () -> loader.parse("[runtime]\ndefault_handler = \"gvisor\"\n", "t.toml").config());
        assertTrue(e.getMessage().contains("default_handler 'gvisor'"), e.getMessage());
    }

    @Test
    void relativeSocketIsRefused() {
        var e = assertThrows(ConfigException.class, () -> loader.parse("socket = \"jcri.sock\"\n", "t.toml").config());
        assertTrue(e.getMessage().contains("absolute"), e.getMessage());
    }

    @Test
    void brokenTomlIsReported() {
        var e = assertThrows(ConfigException.class, () -> loader.parse("root = \n", "t.toml").config());
        assertTrue(e.getMessage().startsWith("t.toml: "), e.getMessage());
    }

    private String refused(String toml) {
        return assertThrows(ConfigException.class, () -> loader.parse(toml, "t.toml").config()).getMessage();
    }

    @Test
    void runtimeSectionDefaults() {
        var runtime = loader.parse("[runtime]\n", "t.toml").config().runtime();
        assertEquals("/usr/bin/crun", runtime.handlers().get("crun").path());
        assertEquals("", runtime.handlers().get("runc").root(), "empty root: <state>/runtime/<handler>");
        assertEquals("/usr/bin/conmon", runtime.conmon());
        assertEquals(10, runtime.defaultStopTimeoutSeconds());
        assertEquals("/jcri", runtime.defaultCgroupParent());
    }

    @Test
    void theSystemdDriverDefaultsToASliceAndRefusesAPath() {
        assertEquals("jcri.slice", loader.parse("[runtime]\ncgroup_driver = \"systemd\"\n", "t.toml").config().runtime().defaultCgroupParent());
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
        var runtime = loader.parse("[runtime.handlers.runc]\npath = \"/opt/runc\"\nroot = \"/run/r\"\n", "t.toml").config().runtime();
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
        assertEquals("/srv/auth.json", loader.parse("[images]\nauth_file = \"/srv/auth.json\"\n", "t.toml").config().images().authFile());
        assertEquals("", loader.parse("[images]\nauth_file = \"\"\n", "t.toml").config().images().authFile(), "\"\" turns it off");
        assertEquals("t.toml: in 'images': auth_file must be an absolute path or \"\" (got 'auth.json')",
                refused("[images]\nauth_file = \"auth.json\"\n"));
        assertEquals("", loader.parse("[images]\nconfig_path = \"\"\n", "t.toml").config().images().configPath());
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
        var host = loader.parse("[images.registries.\"r.example\"]\n", "t.toml").config().images().registries().get("r.example");
        assertEquals(new jcri.image.RegistryHost(List.of(), false, false, ""), host);
        var loaded = loader.parse("[images.registries.\"r.example\"]\nmirror = [\"https://m\"]\n", "t.toml");
        assertEquals(List.of("t.toml: unknown key 'images.registries.r.example.mirror' ignored; allowed here: ca_file, "
                + "insecure_skip_verify, mirrors, plain_http"), loaded.warnings());
        assertEquals(List.of(), loaded.config().images().registries().get("r.example").mirrors());
    }

    @Test
    void metricsAddressMustBeHostAndPortOrEmpty() {
        assertEquals("t.toml: in 'metrics': address must be host:port or empty (got 'localhost')",
                refused("[metrics]\naddress = \"localhost\"\n"));
        assertEquals("t.toml: in 'metrics': address must be host:port or empty (got ':9464')",
                refused("[metrics]\naddress = \":9464\"\n"));
        assertEquals("[::1]:9464", loader.parse("[metrics]\naddress = \"[::1]:9464\"\n", "t.toml").config().metrics().address());
    }

    @Test
    void logFormatIsTextOrJson() {
        assertEquals("text", JcriConfig.defaults().logFormat());
        assertEquals("json", loader.parse("log_format = \"json\"\n", "t.toml").config().logFormat());
        assertEquals("t.toml: log_format must be text or json (got 'logfmt')", refused("log_format = \"logfmt\"\n"));
    }

    @Test
    void logLevelIsOneOfFour() {
        assertEquals("info", JcriConfig.defaults().logLevel());
        assertEquals("t.toml: log_level must be one of error, warn, info, debug (got 'trace')", refused("log_level = \"trace\"\n"));
    }

    @Test
    void blankValuesTakeTheDefaultsAndTheSocketFollowsTheStateDir() {
        var config = loader.parse("root = \"\"\nstate = \"/run/other\"\n", "t.toml").config();
        assertEquals("/var/lib/jcri", config.root());
        assertEquals("/run/other/jcri.sock", config.socket());
        assertEquals(JcriConfig.defaults(), loader.parse("  \n", "t.toml").config(), "a blank file is all defaults");
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
    void aValueOfTheWrongTypeInADropInNamesTheDropIn(@TempDir Path dir) throws Exception {
        var file = Files.writeString(dir.resolve("config.toml"), "log_level = \"debug\"\n[streaming]\nport = 10010\n");
        var dropIn = dropIn(dir, "50-bad.toml", "[streaming]\nport = \"high\"\n");
        var e = assertThrows(ConfigException.class, () -> loader.load(file, true));
        assertEquals(dropIn + ": key 'streaming.port' has the bad value 'high': expected an integer", e.getMessage());
    }

    @Test
    void aBadValueIsBlamedOnTheFileThatSetItNotOnALaterOne(@TempDir Path dir) throws Exception {
        var file = Files.writeString(dir.resolve("config.toml"), "[runtime]\ncgroup_driver = \"cgroupv3\"\n");
        dropIn(dir, "10-a.toml", "[runtime]\nconmon = \"/opt/conmon\"\n");
        var e = assertThrows(ConfigException.class, () -> loader.load(file, true));
        assertEquals(file + ": in 'runtime': cgroup_driver must be cgroupfs or systemd (got 'cgroupv3')", e.getMessage());
    }

    @Test
    void aKeyThatNeedsAnotherFromALaterDropInLoads(@TempDir Path dir) throws Exception {
        var file = Files.writeString(dir.resolve("config.toml"), "[runtime]\ndefault_handler = \"kata\"\n");
        dropIn(dir, "10-kata.toml", "[runtime.handlers.kata]\npath = \"/usr/bin/kata\"\n");
        assertEquals("kata", loader.load(file, true).config().runtime().defaultHandler());
    }

    @Test
    void dropInsMergeInNameOrderTableByTableKeyByKeyAndReplaceArrays(@TempDir Path dir) throws Exception {
        var file = Files.writeString(dir.resolve("config.toml"), """
                log_level = "warn"
                [cni]
                conf_dir = "/a"
                bin_dirs = ["/x", "/y"]
                [images.registries."r.io"]
                mirrors = ["https://m1"]
                plain_http = true
                """);
        var second = dropIn(dir, "20-b.toml", """
                log_level = "error"
                [cni]
                bin_dirs = ["/z"]
                [images.registries."r.io"]
                insecure_skip_verify = true
                """);
        var first = dropIn(dir, "10-a.toml", "log_level = \"debug\"\n[cni]\nconf_dir = \"/b\"\n");
        dropIn(dir, "30-c.toml.disabled", "log_level = [\n");
        dropIn(dir, "README", "not toml");
        Files.createDirectories(dir.resolve("config.d/40-dir.toml"));

        var loaded = loader.load(file, true);
        assertEquals(List.of(file, first, second), loaded.files());
        var config = loaded.config();
        assertEquals("error", config.logLevel(), "the last file wins");
        assertEquals("/b", config.cni().confDir(), "a key no later file sets stays");
        assertEquals(List.of("/z"), config.cni().binDirs(), "arrays are replaced, not appended");
        assertEquals(new jcri.image.RegistryHost(List.of("https://m1"), true, true, ""), config.images().registries().get("r.io"),
                "named tables merge key by key too");
        assertEquals("the embedded defaults, then " + file + ", then " + first + ", then " + second, loaded.origin());
    }

    @Test
    void dropInsApplyWithoutAMainFileAndAMissingDirectoryIsNone(@TempDir Path dir) throws Exception {
        var file = dir.resolve("config.toml");
        assertEquals(List.of(), loader.load(file, false).files());
        var dropIn = dropIn(dir, "10-json.toml", "log_format = \"json\"\nnewer_key = true\n");
        var loaded = loader.load(file, false);
        assertEquals(List.of(dropIn), loaded.files());
        assertEquals("json", loaded.config().logFormat());
        assertTrue(loaded.warnings().getFirst().startsWith(dropIn + ": unknown key 'newer_key' ignored"), loaded.warnings().toString());
    }

    @Test
    void aStrictLoaderRefusesUnknownKeysNamingFileAndKey(@TempDir Path dir) throws Exception {
        var file = Files.writeString(dir.resolve("config.toml"), "log_level = \"debug\"\n");
        var dropIn = dropIn(dir, "10-new.toml", "[runtime]\nnewer_key = 1\n");
        assertEquals(1, loader.load(file, true).warnings().size(), "the default loader only warns");
        var e = assertThrows(ConfigException.class, () -> new ConfigLoader(true).load(file, true));
        assertTrue(e.getMessage().startsWith(dropIn + ": unknown key 'runtime.newer_key' refused (strict); allowed here: "), e.getMessage());
        Files.delete(dropIn);
        assertEquals("debug", new ConfigLoader(true).load(file, true).config().logLevel(), "known keys pass");
    }

    @Test
    void eachValueAFileSetIsTracedToTheLastFileThatSetIt(@TempDir Path dir) throws Exception {
        var file = Files.writeString(dir.resolve("config.toml"), "log_level = \"debug\"\n[cni]\nconf_dir = \"/a\"\n");
        var dropIn = dropIn(dir, "10-a.toml", "[cni]\nconf_dir = \"/b\"\n[images.registries.\"r.io:5000\"]\nplain_http = true\n");
        var origins = loader.load(file, true).origins();
        assertEquals(file.toString(), origins.get(List.of("log_level")));
        assertEquals(dropIn.toString(), origins.get(List.of("cni", "conf_dir")));
        assertEquals(dropIn.toString(), origins.get(List.of("images", "registries", "r.io:5000", "plain_http")));
        assertEquals(null, origins.get(List.of("root")), "a default has no file");
    }

    @Test
    void aDropInThatIsNotTomlIsNamed(@TempDir Path dir) throws Exception {
        var file = Files.writeString(dir.resolve("config.toml"), "");
        var dropIn = dropIn(dir, "10-broken.toml", "log_level = [\n");
        var e = assertThrows(ConfigException.class, () -> loader.load(file, true));
        assertTrue(e.getMessage().startsWith(dropIn + ": not valid TOML: "), e.getMessage());
    }

    private static Path dropIn(Path dir, String name, String text) throws java.io.IOException {
        return Files.writeString(Files.createDirectories(ConfigLoader.dropInDirectory(dir.resolve("config.toml"))).resolve(name), text);
    }

    @Test
    void anUnreadableFileIsNamed(@TempDir Path dir) {
        var e = assertThrows(ConfigException.class, () -> loader.load(dir, false).config());
        assertTrue(e.getMessage().startsWith("cannot read config file " + dir + ": "), e.getMessage());
    }
}
