package jcri.runtime.oci;


import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import jcri.api.CriException;

/**
 * Turns a user spec ({@code name}, {@code uid}, {@code name:group}, {@code uid:gid}) into numeric
 * ids using the container's own {@code /etc/passwd} and {@code /etc/group}, as the OCI image
 * spec asks. Files are read inside the rootfs only (a symlink out of it counts as absent).
 */
public final class UserResolver {
    /** Resolved ids. */
    public record Ids(long uid, long gid, List<Long> additionalGids) {
    }

    private record Passwd(String name, long uid, long gid) {
    }

    private final List<Passwd> users;
    private final List<String[]> groups;

    public UserResolver(Path rootfs) {
        this.users = new ArrayList<>();
        for (var f : lines(rootfs, "etc/passwd")) {
            if (f.length >= 4 && f[2].matches("\\d+") && f[3].matches("\\d+")) {
                users.add(new Passwd(f[0], Long.parseLong(f[2]), Long.parseLong(f[3])));
            }
        }
        this.groups = lines(rootfs, "etc/group");
    }

    /**
     * Resolves a user (name or number) and optional group; a numeric uid without a passwd entry
     * gets gid 0 unless a group is given. Additional gids are the groups that list the user.
     */
    public Ids resolve(String user, String group) {
        Passwd entry;
        if (user.matches("\\d+")) {
            long uid = Long.parseLong(user);
            entry = users.stream().filter(u -> u.uid() == uid).findFirst().orElse(new Passwd("", uid, 0));
        } else {
            entry = users.stream().filter(u -> u.name().equals(user)).findFirst()
                    .orElseThrow(() -> CriException.invalid("user '%s' is not in the container's /etc/passwd", user));
        }
        long gid = group.isEmpty() ? entry.gid() : groupId(group);
        var extra = new LinkedHashSet<Long>();
        if (!entry.name().isEmpty()) {
            for (var g : groups) {
                if (g.length >= 4 && g[2].matches("\\d+") && List.of(g[3].split(",")).contains(entry.name())) {
                    extra.add(Long.parseLong(g[2]));
                }
            }
        }
        return new Ids(entry.uid(), gid, List.copyOf(extra));
    }

    /** Resolves an image {@code User} value ("", "name", "uid", "name:group", "uid:gid"). */
    public Ids resolveImageUser(String spec) {
        if (spec.isEmpty()) {
            return resolve("0", "");
        }
        int colon = spec.indexOf(':');
        return colon < 0 ? resolve(spec, "") : resolve(spec.substring(0, colon), spec.substring(colon + 1));
    }

    private long groupId(String group) {
        if (group.matches("\\d+")) {
            return Long.parseLong(group);
        }
        return groups.stream().filter(g -> g.length >= 3 && g[0].equals(group) && g[2].matches("\\d+"))
                .map(g -> Long.parseLong(g[2])).findFirst()
                .orElseThrow(() -> CriException.invalid("group '%s' is not in the container's /etc/group", group));
    }

    private static List<String[]> lines(Path rootfs, String relative) {
        try {
            var file = rootfs.resolve(relative);
            if (!Files.exists(file)) {
                return List.of();
            }
            var real = file.toRealPath();
            if (!real.startsWith(rootfs.toRealPath())) {
                return List.of();
            }
            return Files.readAllLines(real).stream().filter(l -> !l.startsWith("#")).map(l -> l.split(":", -1)).toList();
        } catch (IOException e) {
            return List.of();
        }
    }
}
