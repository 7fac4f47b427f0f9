package jcri.critest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Processes on this host, found through /proc (containers' processes included). */
public final class HostProcesses {
    private HostProcesses() {
    }

    /** The pids whose command line, arguments joined by spaces, is exactly {@code commandLine}. */
    public static List<Long> withCommandLine(String commandLine) {
        return ProcessHandle.allProcesses().filter(p -> {
            try {
                return Files.readString(Path.of("/proc/" + p.pid() + "/cmdline")).replace('\0', ' ').strip().equals(commandLine);
            } catch (IOException e) {
                return false;
            }
        }).map(ProcessHandle::pid).toList();
    }

    /**
     * Starts {@code command} as process {@code pid} of this PID namespace, once that pid is free (its
     * process gone and reaped), by setting the kernel's last allocated pid just below it: how a spec makes
     * the pid reuse that follows a reboot or a long uptime.
     */
    public static Process startWithPid(long pid, String... command) throws IOException, InterruptedException {
        var lastPid = Path.of("/proc/sys/kernel/ns_last_pid");
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            if (Files.exists(Path.of("/proc/" + pid))) {
                Thread.sleep(10);
                continue;
            }
            Files.writeString(lastPid, Long.toString(pid - 1));
            var process = new ProcessBuilder(command).start();
            if (process.pid() == pid) {
                return process;
            }
            process.destroyForcibly().waitFor();
        }
        throw new IllegalStateException("pid " + pid + " did not become free for this spec");
    }
}
