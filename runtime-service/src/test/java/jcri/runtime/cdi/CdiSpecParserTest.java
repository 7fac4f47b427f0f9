package jcri.runtime.cdi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CdiSpecParserTest {
    @TempDir
    Path tmp;

    private CdiSpecParser.Result parse(String name, String text) throws IOException {
        return CdiSpecParser.parse(Files.writeString(tmp.resolve(name), text));
    }

    private CdiSpec valid(String name, String text) throws IOException {
        return assertInstanceOf(CdiSpecParser.Valid.class, parse(name, text)).spec();
    }

    /** The reason {@code devices} (the JSON of the devices array, in a 0.7.0 spec of kind vendor.com/gpu) is refused. */
    private String invalid(String version, String kind, String devices) throws IOException {
        var result = parse("bad.json", """
                {"cdiVersion": "%s", "kind": "%s", "devices": %s}""".formatted(version, kind, devices));
        return assertInstanceOf(CdiSpecParser.Invalid.class, result).reason();
    }

    @Test
    void readsJsonWithEveryEditKind() throws IOException {
        var spec = valid("gpu.json", """
                {"cdiVersion": "0.7.0", "kind": "vendor.com/gpu", "annotations": {"a": "b"},
                 "devices": [{"name": "gpu0", "containerEdits": {
                     "env": ["GPU=0"],
                     "deviceNodes": [{"path": "/dev/gpu0", "hostPath": "/dev/vgpu0", "type": "c", "major": 195, "minor": 0,
                                      "fileMode": 438, "permissions": "rw", "uid": 1000, "gid": 44}],
                     "mounts": [{"hostPath": "/usr/lib/libgpu.so", "containerPath": "/usr/lib/libgpu.so", "type": "bind",
                                 "options": ["ro", "nosuid", "bind"]}],
                     "hooks": [{"hookName": "createContainer", "path": "/usr/bin/gpu-hook", "args": ["gpu-hook", "ldconfig"],
                                "env": ["DEBUG=1"], "timeout": 5}],
                     "additionalGids": [44]}}],
                 "containerEdits": {"env": ["VENDOR=yes"]}}
                """);
        assertEquals("vendor.com/gpu", spec.kind());
        assertEquals(Map.of("a", "b"), spec.annotations());
        var edits = spec.devices().getFirst().containerEdits();
        assertEquals(List.of("GPU=0"), edits.env());
        assertEquals(new CdiSpec.DeviceNode("/dev/gpu0", "/dev/vgpu0", "c", 195L, 0L, 438, "rw", 1000L, 44L), edits.deviceNodes().getFirst());
        assertEquals(new CdiSpec.Mount("/usr/lib/libgpu.so", "/usr/lib/libgpu.so", "bind", List.of("ro", "nosuid", "bind")),
                edits.mounts().getFirst());
        assertEquals(new CdiSpec.Hook("createContainer", "/usr/bin/gpu-hook", List.of("gpu-hook", "ldconfig"), List.of("DEBUG=1"), 5),
                edits.hooks().getFirst());
        assertEquals(List.of(44L), edits.additionalGids());
        assertEquals(List.of("VENDOR=yes"), spec.containerEdits().env());
    }

    @Test
    void readsYaml() throws IOException {
        var spec = valid("nic.yaml", """
                cdiVersion: "1.0.0"
                kind: vendor.com/nic
                devices:
                  - name: eth-0
                    containerEdits:
                      deviceNodes:
                        - path: /dev/nic0
                      mounts:
                        - hostPath: /opt/nic
                          containerPath: /opt/nic
                          options: [rbind, ro]
                """);
        var edits = spec.devices().getFirst().containerEdits();
        assertEquals("/dev/nic0", edits.deviceNodes().getFirst().path());
        assertEquals(List.of("rbind", "ro"), edits.mounts().getFirst().options());
        assertEquals(List.of(), edits.env());
        assertEquals(CdiSpec.ContainerEdits.NONE, spec.containerEdits());
    }

    @Test
    void onlyJsonAndYamlFilesAreSpecFiles() {
        assertTrue(CdiSpecParser.isSpecFile(Path.of("/etc/cdi/a.json")));
        assertTrue(CdiSpecParser.isSpecFile(Path.of("/etc/cdi/a.yaml")));
        assertEquals(false, CdiSpecParser.isSpecFile(Path.of("/etc/cdi/a.yml")));
        assertEquals(false, CdiSpecParser.isSpecFile(Path.of("/etc/cdi/a.json.bak")));
    }

    @Test
    void aVersionPrefixedWithVIsAccepted() throws IOException {
        assertEquals("v0.5.0", valid("v.json", """
                {"cdiVersion": "v0.5.0", "kind": "vendor.com/gpu", "devices": [{"name": "0", "containerEdits": {"env": ["A=1"]}}]}
                """).cdiVersion());
    }

    @Test
    void whatTheSpecRequiresIsChecked() throws IOException {
        var env = "{\"env\": [\"A=1\"]}";
        assertTrue(invalid("0.2.0", "vendor.com/gpu", "[{\"name\": \"g\", \"containerEdits\": " + env + "}]").contains("cdiVersion"));
        assertTrue(invalid("1.2", "vendor.com/gpu", "[{\"name\": \"g\", \"containerEdits\": " + env + "}]").contains("cdiVersion"));
        assertTrue(invalid("0.7.0", "gpu", "[{\"name\": \"g\", \"containerEdits\": " + env + "}]").contains("kind 'gpu'"));
        assertTrue(invalid("0.7.0", "vendor.com/gpu", "[]").contains("no devices"));
        assertTrue(invalid("0.7.0", "vendor.com/gpu", "[{\"name\": \"-g\", \"containerEdits\": " + env + "}]").contains("'-g'"));
        assertTrue(invalid("0.7.0", "vendor.com/gpu", "[{\"name\": \"g\", \"containerEdits\": " + env + "}, {\"name\": \"g\", "
                + "\"containerEdits\": " + env + "}]").contains("defined twice"));
        assertTrue(invalid("0.7.0", "vendor.com/gpu", "[{\"name\": \"g\"}]").contains("no container edits"));
    }

    @Test
    void fieldsNeedTheVersionThatIntroducedThem() throws IOException {
        assertTrue(invalid("0.4.0", "vendor.com/gpu", "[{\"name\": \"g\", \"containerEdits\": "
                + "{\"deviceNodes\": [{\"path\": \"/dev/g\", \"hostPath\": \"/dev/h\"}]}}]").contains("0.5.0 or later"));
        assertTrue(invalid("0.4.0", "vendor.com/gpu", "[{\"name\": \"0\", \"containerEdits\": {\"env\": [\"A=1\"]}}]")
                .contains("0.5.0 or later"));
        assertTrue(invalid("0.5.0", "vendor.com/gpu.x", "[{\"name\": \"g\", \"containerEdits\": {\"env\": [\"A=1\"]}}]")
                .contains("0.6.0 or later"));
        assertTrue(invalid("0.6.0", "vendor.com/gpu", "[{\"name\": \"g\", \"containerEdits\": {\"additionalGids\": [5]}}]")
                .contains("0.7.0 or later"));
        assertTrue(invalid("0.3.0", "vendor.com/gpu", "[{\"name\": \"g\", \"containerEdits\": {\"mounts\": "
                + "[{\"hostPath\": \"/a\", \"containerPath\": \"/a\", \"type\": \"bind\"}]}}]").contains("0.4.0 or later"));
    }

    @Test
    void malformedEditsAreRefused() throws IOException {
        var cases = Map.of(
                "{\"env\": [\"NOEQUALS\"]}", "not NAME=value",
                "{\"deviceNodes\": [{\"path\": \"\"}]}", "no path",
                "{\"deviceNodes\": [{\"path\": \"/dev/x\", \"type\": \"s\"}]}", "invalid type",
                "{\"deviceNodes\": [{\"path\": \"/dev/x\", \"permissions\": \"rx\"}]}", "invalid permissions",
                "{\"mounts\": [{\"hostPath\": \"/a\"}]}", "lacks its hostPath or containerPath",
                "{\"hooks\": [{\"hookName\": \"preStart\", \"path\": \"/bin/h\"}]}", "is not one of",
                "{\"hooks\": [{\"hookName\": \"poststop\", \"path\": \"bin/h\"}]}", "absolute path",
                "{\"hooks\": [{\"hookName\": \"poststop\", \"path\": \"/bin/h\", \"timeout\": 0}]}", "timeout",
                "{\"additionalGids\": [-1]}", "out of range",
                "{\"netDevices\": [{\"hostInterfaceName\": \"eth1\", \"name\": \"eth1\"}]}", "'netDevices' is unknown to jcri");
        for (var c : cases.entrySet()) {
            var reason = invalid("1.1.0", "vendor.com/gpu", "[{\"name\": \"g\", \"containerEdits\": " + c.getKey() + "}]");
            assertTrue(reason.contains(c.getValue()), c.getKey() + ": " + reason);
        }
    }

    @Test
    void unreadableTextIsInvalidAndKeepsTheKindItCouldRead() throws IOException {
        assertInstanceOf(CdiSpecParser.Invalid.class, parse("broken.json", "{\"cdiVersion\": "));
        assertInstanceOf(CdiSpecParser.Invalid.class, parse("list.yaml", "- a\n- b\n"));
        var invalid = assertInstanceOf(CdiSpecParser.Invalid.class, parse("k.json", "{\"cdiVersion\": \"0.6.0\", \"kind\": \"vendor.com/gpu\","
                + " \"devices\": [], \"intelRdt\": {}}"));
        assertEquals("vendor.com/gpu", invalid.kind());
    }
}
