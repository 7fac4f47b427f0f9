package jcri.critest.kubelet;

import java.io.IOException;

/** Runs a command on the host, as root, for what a spec prepares there (mounts). */
final class HostCommand {
    private HostCommand() {
    }

    /** Runs {@code command}; fails with its output if it exits non-zero. */
    static void run(String... command) throws IOException, InterruptedException {
        var process = new ProcessBuilder(command).redirectErrorStream(true).start();
        var output = new String(process.getInputStream().readAllBytes());
        if (process.waitFor() != 0) {
            throw new IOException(String.join(" ", command) + " exited " + process.exitValue() + ": " + output);
        }
    }
}
