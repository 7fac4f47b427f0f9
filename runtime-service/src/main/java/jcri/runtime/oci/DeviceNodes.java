package jcri.runtime.oci;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** The node's device files, as a container's {@code linux.devices} needs them. */
public interface DeviceNodes {
    /** One device file: {@code b}, {@code c} or {@code p} (a FIFO), its numbers and permission bits. */
    record Node(String type, long major, long minor, int fileMode) {
    }

    /** The device file at {@code path}, or empty if there is none or the file is of another kind. */
    Optional<Node> stat(Path path) throws IOException;

    /** The device files a privileged container gets (the container's own /dev/pts, shm, mqueue, console and ptmx excepted). */
    List<Path> forPrivileged() throws IOException;

    /** This node's {@code /dev}. */
    static DeviceNodes ofThisNode() {
        return new DeviceNodes() {
            @Override
            public Optional<Node> stat(Path path) throws IOException {
                if (!Files.exists(path)) {
                    return Optional.empty();
                }
                int mode = (int) Files.getAttribute(path, "unix:mode");
                var type = switch (mode & 0170000) {
                    case 0060000 -> "b";
                    case 0020000 -> "c";
                    case 0010000 -> "p";
                    default -> null;
                };
                if (type == null) {
                    return Optional.empty();
                }
                long rdev = (long) Files.getAttribute(path, "unix:rdev");
                long major = ((rdev >> 8) & 0xfff) | ((rdev >> 32) & ~0xfffL);
                long minor = (rdev & 0xff) | ((rdev >> 12) & ~0xffL);
                return Optional.of(new Node(type, major, minor, mode & 0777));
            }

            @Override
            public List<Path> forPrivileged() throws IOException {
                try (var walk = Files.walk(Path.of("/dev"), 3)) {
                    return walk.filter(p -> !p.startsWith("/dev/pts") && !p.startsWith("/dev/shm") && !p.startsWith("/dev/mqueue")
                                    && !p.toString().equals("/dev/console") && !p.toString().equals("/dev/ptmx"))
                            .filter(DeviceNodes::isDevice).toList();
                }
            }
        };
    }

    private static boolean isDevice(Path p) {
        try {
            int type = (int) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS) & 0170000;
            return type == 0020000 || type == 0060000;
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }
}
