package jcri.runtime.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import jcri.api.CriException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageSubPathTest {
    @TempDir
    Path tmp;
    private Path root;

    /** An image root beside a directory outside it, with links that stay inside and links that lead out. */
    @BeforeEach
    void image() throws IOException {
        root = Files.createDirectories(tmp.resolve("root"));
        Files.createDirectories(tmp.resolve("outside"));
        Files.createDirectories(root.resolve("sub/inner"));
        Files.createDirectories(root.resolve("deep"));
        Files.writeString(root.resolve("file"), "x");
        Files.createSymbolicLink(root.resolve("link"), Path.of("sub"));
        Files.createSymbolicLink(root.resolve("deep/back"), Path.of("../sub/inner"));
        Files.createSymbolicLink(root.resolve("absolute"), tmp.resolve("outside"));
        Files.createSymbolicLink(root.resolve("up"), Path.of("../outside"));
        Files.createSymbolicLink(root.resolve("loop1"), Path.of("loop2"));
        Files.createSymbolicLink(root.resolve("loop2"), Path.of("loop1"));
    }

    @Test
    void directoriesResolveInsideTheImage() throws IOException {
        assertEquals(root, ImageSubPath.resolve(root, ""));
        assertEquals(root.resolve("sub"), ImageSubPath.resolve(root, "sub"));
        assertEquals(root.resolve("sub/inner"), ImageSubPath.resolve(root, "./sub//inner/"));
        assertEquals(root, ImageSubPath.resolve(root, "sub/.."));
        assertEquals(root.resolve("sub"), ImageSubPath.resolve(root, "link"));
        assertEquals(root.resolve("sub/inner"), ImageSubPath.resolve(root, "deep/back"));
        assertEquals(root.resolve("sub/inner"), ImageSubPath.resolve(root, "link/inner"));
    }

    @Test
    void whatIsMissingNotADirectoryOrLeadsOutIsInvalid() {
        for (var subPath : new String[] {"missing", "sub/missing", "file", "/sub", "..", "sub/../..", "absolute", "up", "link/../../outside",
                "loop1"}) {
            var e = assertThrows(CriException.class, () -> ImageSubPath.resolve(root, subPath), subPath);
            assertEquals(Status.Code.INVALID_ARGUMENT, e.code(), subPath);
            assertTrue(e.getMessage().contains(subPath), e.getMessage());
        }
    }
}
