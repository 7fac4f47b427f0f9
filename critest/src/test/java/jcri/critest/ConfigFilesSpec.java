package jcri.critest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import jcri.api.v1.StatusRequest;
import jcri.api.v1.VersionRequest;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * jcrid's configuration files as an operator meets them: keys of a newer jcri only warn (a rollback must not
 * crash-loop), {@code config.d/*.toml} drop-ins override the main file at start and at SIGHUP, {@code log_format = "json"},
 * and {@code jcrid config} prints the effective configuration without starting anything.
 */
class ConfigFilesSpec {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @BeforeAll
    static void onlyForJcrid() {
        Assumptions.assumeFalse(Target.external(), "starts jcrid processes of its own");
    }

    private Path dropIn(String name, String text) throws IOException {
        return Files.writeString(Files.createDirectories(dir.resolve("config.d")).resolve(name), text);
    }

    @Test
    void unknownKeysOnlyWarnAndDropInsTakeEffectAtStartAndOnHangup() throws Exception {
        var images = dropIn("10-images.toml", "[images]\nmax_concurrent_downloads = 7\nparallel_unpacks = 2\n");
        var json = dropIn("20-json.toml", "log_format = \"json\"\n");
        var config = dir.resolve("config.toml");
        try (var jcrid = JcridProcess.start(dir, "[images]\nmax_concurrent_downloads = 2\n[plugins.\"io.jcri.future\"]\nkey = 1\n");
             var cri = new CriClient(jcrid.endpoint())) {
            assertEquals("jcri", cri.runtime().version(VersionRequest.getDefaultInstance()).getRuntimeName());
            var status = cri.runtime().status(StatusRequest.newBuilder().setVerbose(true).build());
            assertTrue(status.getInfoOrThrow("config").contains("\"max_concurrent_downloads\" : 7"), "the drop-in wins over the file");

            var warnings = jsonLines(jcrid).stream().filter(l -> l.path("level").asText().equals("warn")).map(l -> l.get("msg").asText()).toList();
            assertTrue(warnings.contains(config + ": unknown key 'plugins' ignored; allowed here: cdi, cni, images, log_format, "
                    + "log_level, metrics, root, runtime, socket, state, streaming"), warnings.toString());
            var imagesWarning = images + ": unknown key 'images.parallel_unpacks' ignored; allowed here: ";
            assertTrue(warnings.stream().anyMatch(w -> w.startsWith(imagesWarning) && w.contains("max_concurrent_downloads")
                    && w.contains("registries")), "the images table's keys are named: " + warnings);
            var serving = jsonLines(jcrid).stream().filter(l -> l.path("msg").asText().contains("serving CRI on " + jcrid.endpoint())).findFirst();
            assertEquals("info", serving.orElseThrow().get("level").asText());
            assertEquals("jcri.daemon.Jcrid", serving.orElseThrow().get("logger").asText());

            var text = dropIn("30-text.toml", "log_format = \"text\"\n[images]\nmax_concurrent_downloads = 1\n");
            var kill = new ProcessBuilder("kill", "-HUP", Long.toString(jcrid.process().pid())).inheritIO().start();
            assertTrue(kill.waitFor(30, TimeUnit.SECONDS) && kill.exitValue() == 0, "kill -HUP");
            var reloaded = "level=info logger=jcri.daemon.ConfigReload reloaded " + config + " with " + images + ", " + json + ", " + text
                    + ": applied log_format json -> text; changed, applied only at restart: images.max_concurrent_downloads";
            awaitLog(jcrid, reloaded);
            assertTrue(jcrid.process().isAlive());
        }
    }

    @Test
    void jcridConfigPrintsTheEffectiveConfigurationThatReadsBackAndStartsNothing() throws Exception {
        var streaming = dropIn("50-streaming.toml", "[streaming]\nport = 10010\nnewer_key = true\n");
        var printed = JcridProcess.run(dir, "[images.registries.\"127.0.0.1:5000\"]\nplain_http = true\n", "config");
        var config = dir.resolve("config.toml");
        assertEquals(0, printed.exitCode(), printed.stderr());
        assertTrue(printed.stdout().startsWith("# jcrid's effective configuration: the embedded defaults, then " + config + ", then "
                + streaming + "\n# a value without a comment is an embedded default\nroot = \"" + dir.resolve("root") + "\"  # " + config + "\n"),
                printed.stdout());
        assertTrue(printed.stdout().contains("\n[streaming]\naddress = \"127.0.0.1\"\nport = 10010  # " + streaming + "\n"), printed.stdout());
        assertTrue(printed.stdout().contains("\n[images.registries.\"127.0.0.1:5000\"]\nmirrors = []\nplain_http = true  # " + config + "\n"),
                printed.stdout());
        assertTrue(printed.stderr().contains(streaming + ": unknown key 'streaming.newer_key' ignored"), printed.stderr());
        assertFalse(Files.exists(dir.resolve("root")), "nothing started, nothing made");
        assertFalse(Files.exists(dir.resolve("state")), "nothing started, nothing made");

        var copy = Files.createDirectories(dir.resolve("copy"));
        var file = Files.writeString(copy.resolve("printed.toml"), printed.stdout());
        var again = JcridProcess.run(copy, "", "--config", file.toString(), "config"); // the later --config wins
        assertEquals(0, again.exitCode(), again.stderr());
        assertEquals(body(printed.stdout()), body(again.stdout()), "the printed file reads back to the same configuration");

        var strict = JcridProcess.run(dir, "", "--strict-config", "config");
        assertEquals(2, strict.exitCode(), "--strict-config refuses the unknown key");
        assertTrue(strict.stderr().contains(streaming + ": unknown key 'streaming.newer_key' refused (strict)"), strict.stderr());
    }

    @Test
    void jcridConfigWithABadValueExitsNonZeroNamingTheFileAndKey() throws Exception {
        var bad = dropIn("90-bad.toml", "[runtime]\ncgroup_driver = \"cgroupv3\"\n");
        var printed = JcridProcess.run(dir, "", "config");
        assertEquals(2, printed.exitCode());
        assertEquals("", printed.stdout());
        assertEquals("jcrid: bad configuration: " + bad + ": in 'runtime': cgroup_driver must be cgroupfs or systemd (got 'cgroupv3')\n",
                printed.stderr());
    }

    /** The printed configuration without the comments that name the files it came from. */
    private static String body(String printed) {
        return printed.lines().filter(l -> !l.startsWith("#")).map(l -> l.replaceFirst("  # .*$", ""))
                .collect(java.util.stream.Collectors.joining("\n"));
    }

    /** The log lines that are JSON objects (all of jcrid's own once log_format is json). */
    private static List<JsonNode> jsonLines(JcridProcess jcrid) throws IOException {
        var lines = new java.util.ArrayList<JsonNode>();
        for (var line : jcrid.log().lines().filter(l -> l.startsWith("{")).toList()) {
            lines.add(JSON.readTree(line));
        }
        return lines;
    }

    private static void awaitLog(JcridProcess jcrid, String text) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!jcrid.log().contains(text)) {
            if (System.nanoTime() > deadline || !jcrid.process().isAlive()) {
                throw new AssertionError("no '" + text + "' in jcrid's log:\n" + jcrid.log());
            }
            Thread.sleep(50);
        }
    }
}
