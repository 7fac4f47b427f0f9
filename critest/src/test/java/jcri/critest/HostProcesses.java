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
}
