package jcri.runtime.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UserNamespaceProbeTest {
    @TempDir
    Path tmp;

    @Test
    void anAncestorOthersCannotSearchIsNamed() throws Exception {
        var closed = Files.createDirectories(tmp.resolve("closed"));
        var state = Files.createDirectories(closed.resolve("jcri/state"));
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwx--x--x"));
        Files.setPosixFilePermissions(closed, PosixFilePermissions.fromString("rwx------"));
        Files.setPosixFilePermissions(closed.resolve("jcri"), PosixFilePermissions.fromString("rwxr-xr-x"));
        assertEquals(Optional.of(closed), UserNamespaceProbe.unsearchable(state));
        Files.setPosixFilePermissions(closed, PosixFilePermissions.fromString("rwx--x--x"));
        var tmpAncestors = UserNamespaceProbe.unsearchable(tmp); // the system's temp dir and above: searchable on any sane system
        assertEquals(Optional.empty(), tmpAncestors);
        assertEquals(Optional.empty(), UserNamespaceProbe.unsearchable(state), "the state directory itself is jcrid's to open up");
    }
}
