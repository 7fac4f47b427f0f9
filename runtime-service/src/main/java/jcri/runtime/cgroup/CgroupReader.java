package jcri.runtime.cgroup;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Reads a process's cgroup statistics straight from the cgroup files, for cgroup v1 (the
 * {@code cpuacct}, {@code memory} and {@code pids} controllers, as on hybrid hosts) and for the v2
 * unified hierarchy ({@code cpu.stat}, {@code memory.current}, {@code memory.stat},
 * {@code memory.max}, {@code pids.current}). Which one applies is decided per controller from
 * {@code /proc/<pid>/cgroup}: a controller with a v1 line is read there, otherwise from v2.
 */
public final class CgroupReader {
    private static final long UNLIMITED_V1 = Long.MAX_VALUE / 4096 * 4096;
    private final Path root;
    private final Path proc;

    /** {@code root}: where cgroups are mounted; {@code proc}: the proc filesystem. */
    public CgroupReader(Path root, Path proc) {
        this.root = root;
        this.proc = proc;
    }

    public static CgroupReader system() {
        return new CgroupReader(Path.of("/sys/fs/cgroup"), Path.of("/proc"));
    }

    /** Where one process's cgroup files are: its v1 controllers' directories, else its unified directory. */
    public record Location(Map<String, Path> v1, Path v2) {
    }

    /** The statistics of the cgroup {@code pid} is in, or empty if the process is gone. */
    public Optional<CgroupStats> read(long pid) {
        return locate(pid).flatMap(this::read);
    }

    /** Where the cgroup of {@code pid} is (it stays there for the process's life), or empty if the process is gone. */
    public Optional<Location> locate(long pid) {
        try {
            var v1 = new HashMap<String, Path>();
            Path v2 = null;
            for (var line : Files.readAllLines(proc.resolve(pid + "/cgroup"))) {
                var parts = line.split(":", 3);
                if (parts.length < 3) {
                    continue;
                }
                var path = parts[2].startsWith("/") ? parts[2].substring(1) : parts[2];
                if (parts[1].isEmpty()) {
                    v2 = root.resolve(Files.isDirectory(root.resolve("unified")) ? "unified" : "").resolve(path);
                } else {
                    for (var controller : parts[1].split(",")) {
                        v1.put(controller, mountOf(controller).resolve(path));
                    }
                }
            }
            return Optional.of(new Location(Map.copyOf(v1), v2));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** The statistics of a located cgroup, or empty if it is gone. */
    public Optional<CgroupStats> read(Location where) {
        return read(where, Files::readAllBytes);
    }

    /** The statistics of a located cgroup read through {@code files} (kept open between calls), or empty if it is gone. */
    public Optional<CgroupStats> read(Location where, HeldFiles files) {
        return read(where, files::read);
    }

    private static Optional<CgroupStats> read(Location where, Source source) {
        try {
            return Optional.of(where.v1().containsKey("memory") ? readV1(where.v1(), source) : readV2(where.v2(), source));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** How a cgroup file's bytes are read. */
    private interface Source {
        byte[] bytes(Path file) throws IOException;
    }

    /** The memory cgroup directory of {@code pid}: the v1 memory controller's, else the unified one. */
    public Optional<Path> memoryCgroup(long pid) {
        try {
            Path unified = null;
            for (var line : Files.readAllLines(proc.resolve(pid + "/cgroup"))) {
                var parts = line.split(":", 3);
                if (parts.length < 3) {
                    continue;
                }
                var path = parts[2].startsWith("/") ? parts[2].substring(1) : parts[2];
                if (List.of(parts[1].split(",")).contains("memory")) {
                    return Optional.of(mountOf("memory").resolve(path));
                }
                if (parts[1].isEmpty()) {
                    unified = root.resolve(Files.isDirectory(root.resolve("unified")) ? "unified" : "").resolve(path);
                }
            }
            return Optional.ofNullable(unified);
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /**
     * How many processes the OOM killer took in a memory cgroup (v2 {@code memory.events}, v1 {@code memory.oom_control});
     * empty if the cgroup is gone.
     */
    public static OptionalLong oomKills(Path memoryCgroup) {
        for (var file : List.of("memory.events", "memory.oom_control")) {
            var kills = oomKills(memoryCgroup, file);
            if (kills.isPresent()) {
                return kills;
            }
        }
        return OptionalLong.empty();
    }

    /**
     * How many processes the OOM killer took in a cgroup v2 cgroup and all below it ({@code memory.events}, which
     * counts descendants unless cgroup2 is mounted with {@code memory_localevents}); empty if gone or not v2.
     */
    public static OptionalLong subtreeOomKills(Path cgroup) {
        return oomKills(cgroup, "memory.events");
    }

    private static OptionalLong oomKills(Path cgroup, String file) {
        try {
            return OptionalLong.of(counters(Files.readAllBytes(cgroup.resolve(file)), "oom_kill")[0]);
        } catch (IOException gone) {
            return OptionalLong.empty();
        }
    }

    private Path mountOf(String controller) {
        var direct = root.resolve(controller);
        if (Files.isDirectory(direct)) {
            return direct;
        }
        return root.resolve(controller.equals("cpuacct") || controller.equals("cpu") ? "cpu,cpuacct" : controller);
    }

    private static CgroupStats readV1(Map<String, Path> dirs, Source source) throws IOException {
        long cpu = dirs.containsKey("cpuacct") ? number(source.bytes(dirs.get("cpuacct").resolve("cpuacct.usage"))) : 0;
        var memory = dirs.get("memory");
        // the limit comes from memory.stat too (hierarchical_memory_limit): one file fewer per sample
        var stat = counters(source.bytes(memory.resolve("memory.stat")),
                "total_inactive_file", "total_rss", "total_pgfault", "total_pgmajfault", "hierarchical_memory_limit");
        long usage = number(source.bytes(memory.resolve("memory.usage_in_bytes")));
        long pids = dirs.containsKey("pids") ? optionalNumber(source, dirs.get("pids").resolve("pids.current")) : 0;
        return new CgroupStats(cpu, usage, Math.max(0, usage - stat[0]), stat[1], stat[2], stat[3],
                stat[4] == 0 || stat[4] >= UNLIMITED_V1 ? 0 : stat[4], pids);
    }

    private static CgroupStats readV2(Path dir, Source source) throws IOException {
        long cpuMicros = counters(source.bytes(dir.resolve("cpu.stat")), "usage_usec")[0];
        var stat = counters(source.bytes(dir.resolve("memory.stat")), "inactive_file", "anon", "pgfault", "pgmajfault");
        long usage = number(source.bytes(dir.resolve("memory.current")));
        var max = new String(source.bytes(dir.resolve("memory.max")), StandardCharsets.US_ASCII).strip();
        long pids = optionalNumber(source, dir.resolve("pids.current"));
        return new CgroupStats(cpuMicros * 1000, usage, Math.max(0, usage - stat[0]), stat[1], stat[2], stat[3],
                max.equals("max") ? 0 : Long.parseLong(max), pids);
    }

    private static long number(byte[] bytes) {
        return parse(bytes, 0, bytes.length);
    }

    /** A number file that only some kernels or controllers have: 0 when absent. */
    private static long optionalNumber(Source source, Path file) throws IOException {
        try {
            return number(source.bytes(file));
        } catch (NoSuchFileException absent) {
            return 0;
        }
    }

    /**
     * The values of {@code keys} in a file of "key value" lines such as {@code memory.stat}, 0 for a
     * key it lacks. Scans the bytes once without building strings: stats read these files for every
     * container on every call.
     */
    static long[] counters(byte[] bytes, String... keys) {
        var values = new long[keys.length];
        int line = 0;
        while (line < bytes.length) {
            int space = line;
            while (space < bytes.length && bytes[space] != ' ' && bytes[space] != '\n') {
                space++;
            }
            int end = space;
            while (end < bytes.length && bytes[end] != '\n') {
                end++;
            }
            for (int k = 0; k < keys.length; k++) {
                if (space < end && named(bytes, line, space, keys[k])) {
                    values[k] = parse(bytes, space + 1, end);
                    break;
                }
            }
            line = end + 1;
        }
        return values;
    }

    private static boolean named(byte[] bytes, int from, int to, String key) {
        if (to - from != key.length()) {
            return false;
        }
        for (int i = 0; i < key.length(); i++) {
            if (bytes[from + i] != key.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** A decimal number (optionally negative) in {@code bytes[from, to)}, surrounding whitespace ignored. */
    private static long parse(byte[] bytes, int from, int to) {
        while (from < to && Character.isWhitespace(bytes[from])) {
            from++;
        }
        while (to > from && Character.isWhitespace(bytes[to - 1])) {
            to--;
        }
        return Long.parseLong(new String(bytes, from, to - from, StandardCharsets.US_ASCII));
    }
}
