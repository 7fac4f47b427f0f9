package jcri.daemon;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;
import jcri.linux.ErrnoException;
import jcri.linux.LinuxCalls;

/**
 * Makes jcrid the subreaper of what it starts, so conmon (which double-forks) and the orphans of
 * exec sessions come back to jcrid rather than to an init that may not reap them, and reaps those
 * that have exited. A zombie child is reaped only when it was already a zombie at the previous
 * scan: the JDK reaps the processes it started itself at once, so they are never touched.
 */
final class OrphanReaper implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(OrphanReaper.class.getName());
    private final long self = ProcessHandle.current().pid();
    private final ScheduledExecutorService timer;
    private Set<Integer> previous = Set.of();

    private OrphanReaper(ScheduledExecutorService timer) {
        this.timer = timer;
    }

    static OrphanReaper start() throws ErrnoException {
        LinuxCalls.becomeSubreaper();
        var timer = Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform().daemon().name("orphan-reaper").unstarted(r));
        var reaper = new OrphanReaper(timer);
        timer.scheduleWithFixedDelay(reaper::scan, 2, 2, TimeUnit.SECONDS);
        return reaper;
    }

    private void scan() {
        var zombies = new HashSet<Integer>();
        try (var entries = Files.list(Path.of("/proc"))) {
            for (var entry : entries.toList()) {
                var name = entry.getFileName().toString();
                if (name.chars().allMatch(Character::isDigit) && isZombieChild(entry)) {
                    zombies.add(Integer.parseInt(name));
                }
            }
        } catch (IOException e) {
            LOG.fine(() -> "orphan scan failed: " + e);
            return;
        }
        for (int pid : zombies) {
            if (previous.contains(pid)) {
                try {
                    LinuxCalls.reap(pid);
                } catch (ErrnoException e) {
                    LOG.fine(() -> "cannot reap " + pid + ": " + e.getMessage());
                }
            }
        }
        previous = zombies;
    }

    /** {@code /proc/<pid>/stat}: "pid (comm) state ppid …"; comm may hold spaces and parentheses. */
    private boolean isZombieChild(Path proc) {
        try {
            var stat = Files.readString(proc.resolve("stat"));
            var rest = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return rest[0].equals("Z") && Long.parseLong(rest[1]) == self;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
