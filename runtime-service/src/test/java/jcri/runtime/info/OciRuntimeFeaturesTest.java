package jcri.runtime.info;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a runtime says it implements, from its features document or its version. */
class OciRuntimeFeaturesTest {
    @TempDir
    Path dir;

    @Test
    void runcsFeaturesDocumentListsRro() throws Exception {
        var features = OciRuntimeFeatures.fromFeaturesJson("{\"ociVersionMin\":\"1.0.0\",\"mountOptions\":[\"ro\",\"rro\",\"rbind\"]}");
        assertTrue(features.recursiveReadOnly());
        assertFalse(OciRuntimeFeatures.fromFeaturesJson("{\"mountOptions\":[\"ro\"]}").recursiveReadOnly());
        assertFalse(OciRuntimeFeatures.fromFeaturesJson("{}").recursiveReadOnly());
    }

    @Test
    void crunWithoutAFeaturesCommandIsKnownByItsVersion() {
        assertTrue(OciRuntimeFeatures.fromCrunVersion("crun version 1.8.1\ncommit: f8a0\n").recursiveReadOnly());
        assertFalse(OciRuntimeFeatures.fromCrunVersion("crun version 1.2\n").recursiveReadOnly());
        assertFalse(OciRuntimeFeatures.fromCrunVersion("runc version 1.1.5\n").recursiveReadOnly());
    }

    @Test
    void aRuntimeIsAskedAsAProgram() throws Exception {
        var runtime = script("features.sh", "#!/bin/sh\n[ \"$1\" = features ] && echo '{\"mountOptions\":[\"rro\"]}'\n");
        assertTrue(OciRuntimeFeatures.probe(runtime, "6.18.0").recursiveReadOnly());
        var old = script("old.sh", "#!/bin/sh\n[ \"$1\" = --version ] && echo 'crun version 1.8.1' && exit 0\necho 'unknown command' >&2; exit 1\n");
        assertTrue(OciRuntimeFeatures.probe(old, "6.18.0").recursiveReadOnly());
        assertFalse(OciRuntimeFeatures.probe(dir.resolve("missing"), "6.18.0").recursiveReadOnly());
    }

    @Test
    void aKernelWithoutMountSetattrHasNoRecursiveReadOnlyMounts() throws Exception {
        var runtime = script("features.sh", "#!/bin/sh\necho '{\"mountOptions\":[\"rro\",\"ro\"]}'\n");
        assertFalse(OciRuntimeFeatures.probe(runtime, "5.10.0-28-amd64").recursiveReadOnly());
        assertTrue(OciRuntimeFeatures.probe(runtime, "5.12.1").recursiveReadOnly());
        assertFalse(OciRuntimeFeatures.kernelHasMountSetattr("4.19.0"));
        assertFalse(OciRuntimeFeatures.kernelHasMountSetattr("unknown"));
    }

    private Path script(String name, String text) throws Exception {
        var file = dir.resolve(name);
        Files.writeString(file, text);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
        return file;
    }
}
