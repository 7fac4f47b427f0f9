package jcri.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import jcri.linux.UnixDatagram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The sd_notify messages, received on a real unix datagram socket. */
class SystemdNotifierTest {
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    @Test
    void readyStatusStoppingAndWatchdogAreOneDatagramEach() throws Exception {
        var socket = dir.resolve("notify").toString();
        try (var systemd = new DatagramReceiver(socket)) {
            var notifier = SystemdNotifier.fromEnvironment(Map.of("NOTIFY_SOCKET", socket), 1);
            notifier.ready("serving CRI on unix:///run/jcri/jcri.sock");
            notifier.status("two\nlines");
            notifier.watchdog();
            notifier.stopping("shutting down");
            assertEquals("READY=1\nSTATUS=serving CRI on unix:///run/jcri/jcri.sock", systemd.next(WAIT));
            assertEquals("STATUS=two lines", systemd.next(WAIT), "a status is one line");
            assertEquals("WATCHDOG=1", systemd.next(WAIT));
            assertEquals("STOPPING=1\nSTATUS=shutting down", systemd.next(WAIT));
        }
    }

    @Test
    void anAbstractSocketNameStartsWithAt() throws Exception {
        var name = "jcri-notify-test-" + ProcessHandle.current().pid();
        try (var systemd = new DatagramReceiver("\0" + name)) {
            SystemdNotifier.fromEnvironment(Map.of("NOTIFY_SOCKET", "@" + name), 1).ready("up");
            assertEquals("READY=1\nSTATUS=up", systemd.next(WAIT));
        }
    }

    @Test
    void withoutNotifySocketNothingIsSentAndNothingFails() throws Exception {
        var notifier = SystemdNotifier.fromEnvironment(Map.of("WATCHDOG_USEC", "1000000"), 1);
        notifier.ready("up");
        notifier.stopping("down");
        assertEquals(Optional.empty(), notifier.watchdogInterval(), "no watchdog without a socket to feed it on");
    }

    @Test
    void aSocketThatWentAwayIsLoggedNotThrown() {
        var notifier = SystemdNotifier.fromEnvironment(Map.of("NOTIFY_SOCKET", dir.resolve("gone").toString()), 1);
        notifier.ready("up");
        notifier.watchdog();
    }

    @Test
    void theWatchdogIntervalIsForTheProcessWatchdogPidNames() {
        var socket = dir.resolve("notify").toString();
        assertEquals(Optional.of(Duration.ofSeconds(30)),
                SystemdNotifier.fromEnvironment(Map.of("NOTIFY_SOCKET", socket, "WATCHDOG_USEC", "30000000"), 7).watchdogInterval());
        assertEquals(Optional.of(Duration.ofMillis(1500)), SystemdNotifier.fromEnvironment(
                Map.of("NOTIFY_SOCKET", socket, "WATCHDOG_USEC", "1500000", "WATCHDOG_PID", "7"), 7).watchdogInterval());
        assertEquals(Optional.empty(), SystemdNotifier.fromEnvironment(
                Map.of("NOTIFY_SOCKET", socket, "WATCHDOG_USEC", "1500000", "WATCHDOG_PID", "8"), 7).watchdogInterval());
        assertEquals(Optional.empty(), SystemdNotifier.fromEnvironment(
                Map.of("NOTIFY_SOCKET", socket, "WATCHDOG_USEC", "soon"), 7).watchdogInterval());
        assertEquals(Optional.empty(), SystemdNotifier.fromEnvironment(
                Map.of("NOTIFY_SOCKET", socket, "WATCHDOG_USEC", "0"), 7).watchdogInterval());
    }

    /** Watchdog pings go out while the daemon is healthy, and not while it is not. */
    @Test
    void theWatchdogFeedsSystemdOnlyWhileHealthy() throws Exception {
        var socket = dir.resolve("notify").toString();
        var answers = new java.util.concurrent.LinkedBlockingQueue<>(java.util.List.of(true, true, false, false, false, true));
        var checks = new java.util.concurrent.atomic.AtomicInteger();
        var done = new java.util.concurrent.CountDownLatch(1);
        try (var systemd = new DatagramReceiver(socket)) {
            var notifier = SystemdNotifier.fromEnvironment(Map.of("NOTIFY_SOCKET", socket, "WATCHDOG_USEC", "20000"), 1);
            var watchdog = Watchdog.start(notifier, notifier.watchdogInterval().orElseThrow(), deadline -> {
                checks.incrementAndGet();
                var healthy = answers.poll();
                if (healthy == null) {
                    done.countDown();
                    return Optional.of("the script ended");
                }
                return healthy ? Optional.empty() : Optional.of("the socket does not answer");
            });
            done.await();
            watchdog.close();
            UnixDatagram.send(socket, "END".getBytes()); // after every ping the watchdog sent: datagrams keep their order
            assertEquals("WATCHDOG=1", systemd.next(WAIT));
            assertEquals("WATCHDOG=1", systemd.next(WAIT));
            assertEquals("WATCHDOG=1", systemd.next(WAIT), "one ping once healthy again");
            assertEquals("END", systemd.next(WAIT), "no ping for the 3 unhealthy checks nor after the script ended");
        }
    }
}
