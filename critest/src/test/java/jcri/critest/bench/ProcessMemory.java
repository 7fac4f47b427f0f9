package jcri.critest.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;

/** Memory and ancestry of processes, read from {@code /proc}; the owner of a listening Unix socket, from {@code ss}. */
public final class ProcessMemory {
    private static final Pattern SS_PID = Pattern.compile("pid=(\\d+)");

    private ProcessMemory() {
    }

    /** Resident and proportional set size of one process, in KiB. */
    public record Usage(long rssKib, long pssKib) {
        public Usage plus(Usage other) {
            return new Usage(rssKib + other.rssKib, pssKib + other.pssKib);
        }
    }

    /** RSS (VmRSS) and PSS (smaps_rollup) of {@code pid}. */
    public static Usage of(long pid) {
        return new Usage(field(Path.of("/proc/" + pid + "/status"), "VmRSS:"),
                field(Path.of("/proc/" + pid + "/smaps_rollup"), "Pss:"));
    }

    /** VmRSS of {@code pid} in KiB. */
    public static long rssKib(long pid) {
        return field(Path.of("/proc/" + pid + "/status"), "VmRSS:");
    }

    private static long field(Path file, String name) {
        try {
            for (var line : Files.readAllLines(file)) {
                if (line.startsWith(name)) {
                    return Long.parseLong(line.replaceAll("\\D", ""));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        throw new IllegalStateException("no " + name + " in " + file);
    }

    /** The file name of {@code pid}'s executable (not {@code comm}, which the kernel cuts to 15 characters). */
    public static String name(long pid) {
        var exe = Path.of("/proc/" + pid + "/exe");
        try {
            return Files.readSymbolicLink(exe).getFileName().toString();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + exe, e);
        }
    }

    /** The parent of {@code pid}, 0 for none. */
    public static long parent(long pid) {
        return Long.parseLong(status(pid, "PPid:"));
    }

    private static String status(long pid, String name) {
        var file = Path.of("/proc/" + pid + "/status");
        try {
            return Files.readAllLines(file).stream().filter(l -> l.startsWith(name)).findFirst()
                    .map(l -> l.substring(name.length()).strip())
                    .orElseThrow(() -> new IllegalStateException("no " + name + " in " + file));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    /** The nearest ancestor of {@code pid} named {@code name} (a container's monitor: conmon, a containerd shim). */
    public static long ancestorNamed(long pid, String name) {
        for (long p = parent(pid); p > 1; p = parent(p)) {
            if (name(p).equals(name)) {
                return p;
            }
        }
        throw new IllegalStateException("process " + pid + " has no ancestor named " + name);
    }

    /** The pid of the process listening on the Unix socket {@code path}, as {@code ss -xlpn} reports it. */
    public static long listenerOf(Path path) throws IOException, InterruptedException {
        var ss = new ProcessBuilder("ss", "-xlpn").redirectErrorStream(true).start();
        var output = new String(ss.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        ss.waitFor();
        var socket = path.toAbsolutePath().toString();
        for (var line : output.lines().toList()) {
            var columns = line.trim().split("\\s+");
            if (columns.length > 4 && columns[4].equals(socket)) {
                var pid = SS_PID.matcher(line);
                if (pid.find()) {
                    return Long.parseLong(pid.group(1));
                }
            }
        }
        throw new IllegalStateException("no process listens on " + socket + " (ss -xlpn); pass --daemon-pid");
    }
}
