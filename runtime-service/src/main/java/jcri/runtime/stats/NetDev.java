package jcri.runtime.stats;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Interface counters of a network namespace, from {@code /proc/<pid>/net/dev} of a process inside it. */
public final class NetDev {
    /** One interface's counters. */
    public record Interface(String name, long rxBytes, long rxErrors, long txBytes, long txErrors) {
    }

    private NetDev() {
    }

    /** Every interface but loopback; empty if the process is gone. */
    static List<Interface> read(long pid) {
        try {
            return parse(Files.readAllLines(Path.of("/proc/" + pid + "/net/dev")));
        } catch (IOException e) {
            return List.of();
        }
    }

    /** The interfaces of a {@code net/dev} text but loopback; empty if any line is unreadable. */
    static List<Interface> parse(List<String> lines) {
        var out = new ArrayList<Interface>();
        try {
            for (var line : lines) {
                int colon = line.indexOf(':');
                if (colon < 0) {
                    continue;
                }
                var name = line.substring(0, colon).strip();
                var f = line.substring(colon + 1).trim().split("\\s+");
                if (name.equals("lo") || f.length < 11) {
                    continue;
                }
                out.add(new Interface(name, Long.parseLong(f[0]), Long.parseLong(f[2]), Long.parseLong(f[8]), Long.parseLong(f[10])));
            }
        } catch (RuntimeException e) {
            return List.of();
        }
        return out;
    }
}
