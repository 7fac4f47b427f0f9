package jcri.daemon;

import java.time.Duration;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * Sends systemd {@code WATCHDOG=1} every half of its watchdog interval, but only while jcrid is healthy: a daemon
 * whose CRI socket stopped answering is left for systemd to restart.
 */
final class Watchdog implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(Watchdog.class.getName());
    private final Thread thread;
    private final Health health;

    /** What the watchdog asks before each ping. */
    interface Health extends AutoCloseable {
        /** Empty when healthy, else what is wrong; answers within {@code deadline}. */
        Optional<String> problem(Duration deadline);

        @Override
        default void close() {
        }
    }

    private Watchdog(Thread thread, Health health) {
        this.thread = thread;
        this.health = health;
    }

    static Watchdog start(SystemdNotifier notifier, Duration interval, Health health) {
        var period = interval.dividedBy(2);
        var thread = Thread.ofVirtual().name("systemd-watchdog").start(() -> {
            boolean sick = false;
            try {
                while (true) {
                    Thread.sleep(period);
                    var problem = health.problem(period.dividedBy(2));
                    if (Thread.currentThread().isInterrupted()) {
                        return; // closed during the check, which may have failed for that reason
                    }
                    if (problem.isEmpty()) {
                        notifier.watchdog();
                        if (sick) {
                            LOG.info("healthy again: systemd's watchdog is fed");
                        }
                    } else if (!sick) {
                        LOG.warning("not feeding systemd's watchdog (" + interval.toMillis() + " ms) while " + problem.get());
                    }
                    sick = problem.isPresent();
                }
            } catch (InterruptedException e) {
                // closed
            }
        });
        return new Watchdog(thread, health);
    }

    /** Stops pinging (at shutdown, once STOPPING=1 was sent) and waits for the last check to finish. */
    @Override
    public void close() {
        thread.interrupt();
        try {
            thread.join(Duration.ofSeconds(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        health.close();
    }
}
