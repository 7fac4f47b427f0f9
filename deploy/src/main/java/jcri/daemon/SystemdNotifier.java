package jcri.daemon;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Logger;
import jcri.linux.ErrnoException;
import jcri.linux.UnixDatagram;

/**
 * Tells systemd how jcrid is doing, on the datagram socket {@code $NOTIFY_SOCKET} names (the sd_notify protocol:
 * one datagram of newline-separated assignments): {@code READY=1} once the CRI socket serves, {@code STOPPING=1}
 * when shutdown begins, {@code STATUS=} lines, {@code WATCHDOG=1}. Without the variable it does nothing.
 */
final class SystemdNotifier {
    private static final Logger LOG = Logger.getLogger(SystemdNotifier.class.getName());
    private final String socket;
    private final Duration watchdogInterval;
    private volatile boolean failing;

    private SystemdNotifier(String socket, Duration watchdogInterval) {
        this.socket = socket;
        this.watchdogInterval = watchdogInterval;
    }

    /**
     * From systemd's variables: {@code NOTIFY_SOCKET}, and {@code WATCHDOG_USEC} when {@code WATCHDOG_PID} is unset or
     * is {@code pid} (a watchdog meant for another process is not this one's).
     */
    static SystemdNotifier fromEnvironment(Map<String, String> env, long pid) {
        var socket = env.getOrDefault("NOTIFY_SOCKET", "");
        if (socket.isEmpty()) {
            return new SystemdNotifier(null, null);
        }
        var usec = env.getOrDefault("WATCHDOG_USEC", "");
        var watchdogPid = env.getOrDefault("WATCHDOG_PID", "");
        if (usec.isEmpty() || !(watchdogPid.isEmpty() || watchdogPid.equals(Long.toString(pid)))) {
            return new SystemdNotifier(socket, null);
        }
        try {
            long micros = Long.parseLong(usec);
            if (micros > 0) {
                return new SystemdNotifier(socket, Duration.ofNanos(micros * 1000));
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        LOG.warning("ignoring WATCHDOG_USEC='" + usec + "': not a positive number of microseconds");
        return new SystemdNotifier(socket, null);
    }

    /** How often systemd wants {@code WATCHDOG=1} at the latest, if it asked for it. */
    Optional<Duration> watchdogInterval() {
        return Optional.ofNullable(watchdogInterval);
    }

    void ready(String status) {
        send("READY=1\nSTATUS=" + oneLine(status));
    }

    void status(String status) {
        send("STATUS=" + oneLine(status));
    }

    void stopping(String status) {
        send("STOPPING=1\nSTATUS=" + oneLine(status));
    }

    void watchdog() {
        send("WATCHDOG=1");
    }

    /** Sends one message; a failure is logged (once until a message gets through again), never thrown. */
    private void send(String message) {
        if (socket == null) {
            return;
        }
        try {
            UnixDatagram.send(socket, message.getBytes(StandardCharsets.UTF_8));
            if (failing) {
                failing = false;
                LOG.info("systemd's notify socket " + socket + " takes messages again");
            }
        } catch (ErrnoException e) {
            if (!failing) {
                failing = true;
                LOG.warning("cannot tell systemd " + message.lines().findFirst().orElse("") + ": " + e.getMessage());
            }
        }
    }

    private static String oneLine(String status) {
        return status.replace('\n', ' ');
    }
}
