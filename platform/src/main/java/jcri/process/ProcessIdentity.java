package jcri.process;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A process as the kernel tells it from a later one with the same pid: its pid, its start time in
 * clock ticks after boot ({@code /proc/<pid>/stat}, field 22) and the boot's id. Saved as one line,
 * it survives jcrid and tells, after a restart or a reboot, whether a recorded pid is still that process.
 */
public record ProcessIdentity(long pid, long startTicks, String bootId) {
    private static final Path BOOT_ID = Path.of("/proc/sys/kernel/random/boot_id");

    /** The running process {@code pid}, or empty if there is none. */
    public static Optional<ProcessIdentity> of(long pid) {
        try {
            var stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            // the fields after "(comm)", which may itself hold spaces and parentheses: state is field 3, starttime 22
            var fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Optional.of(new ProcessIdentity(pid, Long.parseLong(fields[22 - 3]), Files.readString(BOOT_ID).strip()));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** Parses {@link #line()}. */
    public static ProcessIdentity parse(String line) {
        var words = line.strip().split(" ");
        if (words.length != 3) {
            throw new IllegalArgumentException("not a process identity: " + line);
        }
        return new ProcessIdentity(Long.parseLong(words[0]), Long.parseLong(words[1]), words[2]);
    }

    public String line() {
        return pid + " " + startTicks + " " + bootId;
    }

    /** Whether this very process still runs (not merely one with its pid). */
    public boolean running() {
        return of(pid).filter(this::equals).isPresent();
    }
}
