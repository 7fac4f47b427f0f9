package jcri.snapshot;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import jcri.linux.ErrnoException;
import jcri.linux.LinuxCalls;

/** Applies {@link Mount}s with mount(2) and takes them down again, tolerating busy mounts. */
public final class MountTable {
    private static final int BUSY_RETRIES = 10;
    private static final long BUSY_PAUSE_MILLIS = 50;
    /** More mounts stacked on one target than this means something keeps mounting there. */
    private static final int MAX_STACKED = 64;
    /** The kernel reads mount options from one page. */
    private static final int MAX_OPTIONS = 4095;

    private MountTable() {
    }

    /** Mounts {@code mounts} on {@code target} in order. */
    public static void mountAll(List<Mount> mounts, Path target) {
        for (var mount : mounts) {
            long flags = 0;
            var data = new ArrayList<String>();
            for (var option : mount.options()) {
                switch (option) {
                    case "ro" -> flags |= LinuxCalls.MS_RDONLY;
                    case "rw" -> { }
                    case "bind" -> flags |= LinuxCalls.MS_BIND;
                    case "rbind" -> flags |= LinuxCalls.MS_BIND | LinuxCalls.MS_REC;
                    case "nosuid" -> flags |= LinuxCalls.MS_NOSUID;
                    case "nodev" -> flags |= LinuxCalls.MS_NODEV;
                    case "noexec" -> flags |= LinuxCalls.MS_NOEXEC;
                    default -> data.add(option);
                }
            }
            boolean bind = (flags & LinuxCalls.MS_BIND) != 0 || mount.type().equals("bind");
            try {
                if (bind) {
                    LinuxCalls.mount(mount.source(), target.toString(), null, flags | LinuxCalls.MS_BIND, null);
                    if ((flags & LinuxCalls.MS_RDONLY) != 0) {
                        LinuxCalls.mount(null, target.toString(), null,
                                LinuxCalls.MS_REMOUNT | LinuxCalls.MS_BIND | LinuxCalls.MS_RDONLY, null);
                    }
                } else {
                    var options = String.join(",", data);
                    int size = options.getBytes(StandardCharsets.UTF_8).length;
                    if (size > MAX_OPTIONS) {
                        throw new SnapshotException(SnapshotException.Reason.INVALID_ARGUMENT, "cannot mount " + target
                                + ": its " + mount.type() + " options take " + size + " bytes, more than the kernel's "
                                + MAX_OPTIONS + " (too many layers for this snapshot root; choose a shorter root path)");
                    }
                    LinuxCalls.mount(mount.source(), target.toString(), mount.type(), flags, options);
                }
            } catch (ErrnoException e) {
                throw new SnapshotException(SnapshotException.Reason.INTERNAL,
                        "cannot mount " + mount.type() + ": " + e.getMessage(), e);
            }
        }
    }

    /**
     * Unmounts everything stacked on {@code target}. Busy mounts are retried for about half a
     * second, then detached lazily. A target that is not mounted (or does not exist) is fine.
     */
    public static void unmount(Path target) {
        for (int layer = 0; layer < MAX_STACKED; layer++) {
            try {
                umountRetrying(target.toString());
            } catch (ErrnoException e) {
                if (e.errno() == LinuxCalls.EINVAL || e.errno() == LinuxCalls.ENOENT) {
                    return;
                }
                throw new SnapshotException(SnapshotException.Reason.INTERNAL, "cannot unmount " + target + ": " + e.getMessage(), e);
            }
        }
        throw new SnapshotException(SnapshotException.Reason.INTERNAL,
                target + " is still mounted after " + MAX_STACKED + " unmounts; something keeps mounting on it");
    }

    private static void umountRetrying(String target) throws ErrnoException {
        for (int attempt = 0; ; attempt++) {
            try {
                LinuxCalls.umount2(target, 0);
                return;
            } catch (ErrnoException e) {
                if (e.errno() != LinuxCalls.EBUSY) {
                    throw e;
                }
                if (attempt == BUSY_RETRIES) {
                    LinuxCalls.umount2(target, LinuxCalls.MNT_DETACH);
                    return;
                }
                try {
                    Thread.sleep(BUSY_PAUSE_MILLIS);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    LinuxCalls.umount2(target, LinuxCalls.MNT_DETACH);
                    return;
                }
            }
        }
    }

    /** True if {@code path} is a mount point in this mount namespace. */
    public static boolean isMountPoint(Path path) {
        var wanted = path.toAbsolutePath().normalize().toString();
        return mountinfo().stream().anyMatch(fields -> unescape(fields[4]).equals(wanted));
    }

    /**
     * The propagation of the mount that holds {@code path}: {@code shared}, {@code slave} (a
     * master but not shared) or {@code private}.
     */
    public static String propagation(Path path) {
        var wanted = path.toAbsolutePath().normalize();
        String best = "";
        String kind = "private";
        for (var fields : mountinfo()) {
            var point = unescape(fields[4]);
            if (wanted.startsWith(Path.of(point)) && point.length() >= best.length()) {
                best = point;
                kind = "private";
                for (int i = 6; i < fields.length && !fields[i].equals("-"); i++) {
                    if (fields[i].startsWith("shared:")) {
                        kind = "shared";
                        break;
                    }
                    if (fields[i].startsWith("master:")) {
                        kind = "slave";
                    }
                }
            }
        }
        return kind;
    }

    private static List<String[]> mountinfo() {
        try {
            return Files.readAllLines(Path.of("/proc/self/mountinfo")).stream().map(l -> l.split(" ")).filter(f -> f.length > 6).toList();
        } catch (IOException e) {
            throw new SnapshotException(SnapshotException.Reason.INTERNAL, "cannot read /proc/self/mountinfo: " + e.getMessage(), e);
        }
    }

    /** Mount points at or below {@code dir}, deepest first, so they can be unmounted in order. */
    public static List<Path> mountsUnder(Path dir) {
        var prefix = dir.toAbsolutePath().normalize().toString();
        var found = new ArrayList<Path>();
        for (var fields : mountinfo()) {
            var point = unescape(fields[4]);
            if (point.equals(prefix) || point.startsWith(prefix + "/")) {
                found.add(Path.of(point));
            }
        }
        found.sort((a, b) -> b.getNameCount() - a.getNameCount());
        return found;
    }

    private static String unescape(String field) {
        if (field.indexOf('\\') < 0) {
            return field;
        }
        var out = new StringBuilder();
        for (int i = 0; i < field.length(); i++) {
            char c = field.charAt(i);
            if (c == '\\' && i + 3 < field.length()) {
                out.append((char) Integer.parseInt(field.substring(i + 1, i + 4), 8));
                i += 3;
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
