package jcri.runtime.cdi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import jcri.api.CriException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CdiRegistryTest {
    @TempDir
    Path tmp;
    private Path etc;
    private Path run;
    private CdiRegistry registry;

    @BeforeEach
    void dirs() throws IOException {
        etc = Files.createDirectories(tmp.resolve("etc/cdi"));
        run = tmp.resolve("run/cdi"); // made by the tests that need it: a missing directory is no error
        registry = new CdiRegistry(List.of(etc, run));
    }

    /** A spec file of kind {@code kind} whose devices each set {@code WHO=<value>}, the spec itself {@code SPEC=<value>}. */
    private static Path write(Path dir, String file, String kind, String value, String... devices) throws IOException {
        var list = new StringBuilder();
        for (var d : devices) {
            list.append(list.isEmpty() ? "" : ", ").append("{\"name\": \"%s\", \"containerEdits\": {\"env\": [\"WHO=%s\"]}}".formatted(d, value));
        }
        Files.createDirectories(dir);
        return Files.writeString(dir.resolve(file), """
                {"cdiVersion": "0.6.0", "kind": "%s", "devices": [%s], "containerEdits": {"env": ["SPEC=%s"]}}
                """.formatted(kind, list, value));
    }

    private List<String> env(String... names) throws IOException {
        return registry.resolve(List.of(names)).stream().flatMap(e -> e.edits().env().stream()).toList();
    }

    private CriException refused(String... names) {
        var e = assertThrows(CriException.class, () -> registry.resolve(List.of(names)));
        assertEquals(Status.Code.INVALID_ARGUMENT, e.code());
        return e;
    }

    @Test
    void eachDevicesEditsThenItsSpecsEditsOnce() throws IOException {
        write(etc, "gpu.json", "vendor.com/gpu", "etc", "0", "1");
        var edits = registry.resolve(List.of("vendor.com/gpu=1", "vendor.com/gpu=0"));
        assertEquals(List.of("vendor.com/gpu=1", "vendor.com/gpu=0", etc.resolve("gpu.json").toString()),
                edits.stream().map(CdiRegistry.Edits::origin).toList());
        assertEquals(List.of("WHO=etc", "WHO=etc", "SPEC=etc"), edits.stream().flatMap(e -> e.edits().env().stream()).toList());
    }

    @Test
    void aLaterDirectoryWinsForTheDevicesItDefines() throws IOException {
        write(etc, "gpu.json", "vendor.com/gpu", "etc", "0", "1");
        write(run, "gpu.yaml", "vendor.com/gpu", "run", "1");
        assertEquals(List.of("WHO=run", "SPEC=run"), env("vendor.com/gpu=1"));
        assertEquals(List.of("WHO=etc", "SPEC=etc"), env("vendor.com/gpu=0"));
    }

    @Test
    void twoFilesOfOneDirectoryDefiningADeviceMakeItUnusable() throws IOException {
        write(etc, "a.json", "vendor.com/gpu", "a", "0", "1");
        write(etc, "b.json", "vendor.com/gpu", "b", "1");
        assertTrue(refused("vendor.com/gpu=1").getMessage().contains("defined by both"));
        assertEquals(List.of("WHO=a", "SPEC=a"), env("vendor.com/gpu=0"));
        write(run, "c.json", "vendor.com/gpu", "c", "1");
        assertEquals(List.of("WHO=c", "SPEC=c"), env("vendor.com/gpu=1"));
    }

    @Test
    void anUnknownOrUnqualifiedDeviceIsNamed() throws IOException {
        write(etc, "gpu.json", "vendor.com/gpu", "etc", "0");
        assertTrue(refused("vendor.com/gpu=7").getMessage().contains("unknown CDI device vendor.com/gpu=7"));
        assertTrue(refused("vendor.com/nic=0").getMessage().contains("vendor.com/nic=0"));
        assertTrue(refused("gpu0").getMessage().contains("CDI device gpu0"));
        assertTrue(refused("").getMessage().contains("not a fully-qualified"));
    }

    @Test
    void anInvalidFileIsSkippedAndNamedWhenItsKindIsAsked() throws IOException {
        write(etc, "gpu.json", "vendor.com/gpu", "etc", "0");
        Files.writeString(etc.resolve("nic.json"), "{\"cdiVersion\": \"9.9.9\", \"kind\": \"vendor.com/nic\", \"devices\": []}");
        Files.writeString(etc.resolve("notes.txt"), "not a spec");
        assertEquals(List.of("WHO=etc", "SPEC=etc"), env("vendor.com/gpu=0"));
        var message = refused("vendor.com/nic=0").getMessage();
        assertTrue(message.contains("nic.json") && message.contains("9.9.9"), message);
    }

    @Test
    void filesAreReadAgainWhenTheyAppearChangeOrGo() throws IOException {
        refused("vendor.com/gpu=0");
        var file = write(run, "gpu.json", "vendor.com/gpu", "first", "0");
        assertEquals(List.of("WHO=first", "SPEC=first"), env("vendor.com/gpu=0"));
        write(run, "gpu.json", "vendor.com/gpu", "later", "0");
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().plusSeconds(5)));
        assertEquals(List.of("WHO=later", "SPEC=later"), env("vendor.com/gpu=0"));
        Files.delete(file);
        refused("vendor.com/gpu=0");
    }

    @Test
    void anUnchangedFileIsNotParsedAgain() throws IOException {
        var file = write(etc, "gpu.json", "vendor.com/gpu", "kept", "0");
        var modified = Files.getLastModifiedTime(file);
        env("vendor.com/gpu=0");
        // same size and time, other content: the cached parse is used
        Files.writeString(file, Files.readString(file).replace("kept", "KEPT"));
        Files.setLastModifiedTime(file, modified);
        assertEquals(List.of("WHO=kept", "SPEC=kept"), env("vendor.com/gpu=0"));
    }
}
