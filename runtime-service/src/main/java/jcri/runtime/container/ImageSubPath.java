package jcri.runtime.container;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import jcri.api.CriException;

/**
 * An image volume's {@code image_sub_path} resolved inside the mounted image: {@code ..} and relative
 * symlinks are followed as long as they stay inside; an absolute sub-path, anything that leads out
 * (an absolute symlink or too many {@code ..}), a missing path or one that is not a directory is
 * INVALID_ARGUMENT. The view is read-only, so what is resolved here cannot change before runc binds it.
 */
final class ImageSubPath {
    private static final int MAX_LINKS = 40;

    private ImageSubPath() {
    }

    /** The directory {@code subPath} names below {@code root}; {@code root} itself for an empty sub-path. */
    static Path resolve(Path root, String subPath) throws IOException {
        if (subPath.startsWith("/")) {
            throw CriException.invalid("image_sub_path %s must be relative to the image's root", subPath);
        }
        var pending = new ArrayDeque<>(List.of(subPath.split("/")));
        var resolved = new ArrayList<String>();
        int links = 0;
        while (!pending.isEmpty()) {
            var component = pending.pollFirst();
            if (component.isEmpty() || component.equals(".")) {
                continue;
            }
            if (component.equals("..")) {
                if (resolved.isEmpty()) {
                    throw CriException.invalid("image_sub_path %s leads out of the image", subPath);
                }
                resolved.removeLast();
                continue;
            }
            resolved.add(component);
            var path = root.resolve(String.join("/", resolved));
            if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
                throw CriException.invalid("image_sub_path %s does not exist in the image", subPath);
            }
            if (Files.isSymbolicLink(path)) {
                var target = Files.readSymbolicLink(path).toString();
                if (target.startsWith("/")) {
                    throw CriException.invalid("image_sub_path %s passes through the absolute symbolic link %s, which leads out of the image",
                            subPath, String.join("/", resolved));
                }
                if (++links > MAX_LINKS) {
                    throw CriException.invalid("image_sub_path %s passes through too many symbolic links", subPath);
                }
                resolved.removeLast();
                var next = new ArrayList<>(List.of(target.split("/")));
                next.addAll(pending);
                pending = new ArrayDeque<>(next);
            }
        }
        var dir = resolved.isEmpty() ? root : root.resolve(String.join("/", resolved));
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            throw CriException.invalid("image_sub_path %s is not a directory in the image (only directories can be mounted)", subPath);
        }
        return dir;
    }
}
