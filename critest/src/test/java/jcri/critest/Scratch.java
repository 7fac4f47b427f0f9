package jcri.critest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The suite's temporary directories, removed when its JVM exits, after the processes registered with
 * {@link #stopAtExit} are stopped. A directory that still has a mount below it is kept (a leak worth a look) and
 * named on stderr.
 */
public final class Scratch {
    private static final ConcurrentLinkedDeque<AutoCloseable> processes = new ConcurrentLinkedDeque<>();
    private static final List<Path> dirs = new CopyOnWriteArrayList<>();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(Scratch::exit, "critest-scratch"));
    }

    private Scratch() {
    }

    /**
     * A new directory under the system's temp dir, named {@code prefix…}; searchable by other users (not readable), as a
     * user-namespace pod's root must reach the files of jcrid's state directory below it.
     */
    public static Path dir(String prefix) {
        try {
            var dir = Files.createTempDirectory(prefix, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx--x--x")));
            dirs.add(dir);
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Stops {@code process} at exit, before the directories go (latest registered first). */
    public static void stopAtExit(AutoCloseable process) {
        processes.push(process);
    }

    private static void exit() {
        for (var process : processes) {
            try {
                process.close();
            } catch (Exception e) {
                System.err.println("critest: stopping " + process + " at exit: " + e);
            }
        }
        List<String> mounts;
        try {
            mounts = Files.readAllLines(Path.of("/proc/self/mountinfo")).stream().map(line -> line.split(" ")[4]).toList();
        } catch (IOException e) {
            System.err.println("critest: cannot read the mount table, keeping " + dirs + ": " + e);
            return;
        }
        for (var dir : dirs) {
            var below = dir + "/";
            if (mounts.stream().anyMatch(mount -> mount.startsWith(below))) {
                System.err.println("critest: keeping " + dir + ": something is still mounted below it");
                continue;
            }
            if (!Files.exists(dir)) {
                continue; // removed by its user already
            }
            try (var paths = Files.walk(dir)) {
                for (var path : paths.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(path);
                }
            } catch (IOException e) {
                System.err.println("critest: cannot remove " + dir + ": " + e);
            }
        }
    }
}
