package jcri.image.unpack;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import jcri.linux.LinuxCalls;

/**
 * Resolves paths of a layer entry inside a snapshot as the container will see them: symlinks are
 * followed (absolute targets from the snapshot root, {@code ..} never above it) through the upper
 * dir and then the lower layers, so nothing an entry names can reach outside the snapshot.
 * Directories that exist only in a lower layer are created in the upper dir with the same mode.
 */
final class RootedResolver {
    private static final int MAX_LINKS = 40;
    private final Path upper;
    private final List<Path> lowers;

    RootedResolver(Path upper, List<Path> lowers) {
        this.upper = upper;
        this.lowers = lowers;
    }

    /**
     * The directory in the upper dir that stands for {@code relativeDir} (components already
     * cleaned, no {@code ..}), created if needed. Fails if a component is a file.
     */
    Path directory(List<String> relativeDir, String entry) throws IOException {
        Deque<String> pending = new ArrayDeque<>(relativeDir);
        var resolved = new ArrayList<String>();
        int links = 0;
        while (!pending.isEmpty()) {
            var component = pending.pollFirst();
            if (component.equals("..")) {
                if (!resolved.isEmpty()) {
                    resolved.removeLast();
                }
                continue;
            }
            if (component.isEmpty() || component.equals(".")) {
                continue;
            }
            resolved.add(component);
            var relative = String.join("/", resolved);
            var inUpper = upper.resolve(relative);
            Path found = existing(inUpper) ? inUpper : lowerCopy(relative);
            if (found == null) {
                Files.createDirectory(inUpper);
                continue;
            }
            if (Files.isSymbolicLink(found)) {
                if (++links > MAX_LINKS) {
                    throw new LayerRejectedException("entry '" + entry + "' passes through too many symbolic links");
                }
                var target = Files.readSymbolicLink(found).toString();
                resolved.removeLast();
                if (target.startsWith("/")) {
                    resolved.clear();
                }
                var next = new ArrayList<>(List.of(target.split("/")));
                next.addAll(pending);
                pending = new ArrayDeque<>(next);
                continue;
            }
            if (!Files.isDirectory(found, LinkOption.NOFOLLOW_LINKS)) {
                if (found.startsWith(upper) && isWhiteout(found)) {
                    Files.delete(found);
                    Files.createDirectory(inUpper);
                    continue;
                }
                throw new LayerRejectedException("entry '" + entry + "' needs '" + relative + "' to be a directory, but it is a file");
            }
            if (!found.startsWith(upper)) {
                Files.createDirectory(inUpper);
                Files.setAttribute(inUpper, "unix:mode", Files.getAttribute(found, "unix:mode", LinkOption.NOFOLLOW_LINKS));
                Files.setAttribute(inUpper, "unix:uid", Files.getAttribute(found, "unix:uid", LinkOption.NOFOLLOW_LINKS));
                Files.setAttribute(inUpper, "unix:gid", Files.getAttribute(found, "unix:gid", LinkOption.NOFOLLOW_LINKS));
            }
        }
        return resolved.isEmpty() ? upper : upper.resolve(String.join("/", resolved));
    }

    /** The topmost lower-layer file at {@code relative}, or null if a whiteout or nothing is there. */
    Path lowerCopy(String relative) throws IOException {
        for (var lower : lowers) {
            var candidate = lower.resolve(relative);
            if (existing(candidate)) {
                return isWhiteout(candidate) ? null : candidate;
            }
        }
        return null;
    }

    private static boolean existing(Path p) {
        return Files.exists(p, LinkOption.NOFOLLOW_LINKS);
    }

    static boolean isWhiteout(Path p) throws IOException {
        if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS) || Files.isSymbolicLink(p)) {
            return false;
        }
        int mode = (int) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS);
        return (mode & 0170000) == LinuxCalls.S_IFCHR && (long) Files.getAttribute(p, "unix:rdev", LinkOption.NOFOLLOW_LINKS) == 0;
    }
}
