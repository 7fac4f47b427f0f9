package jcri.process;

import java.util.List;
import java.util.Map;

/**
 * The variables systemd sets for jcrid alone: its notify socket and watchdog. A child that inherited them would
 * speak for jcrid, and {@code runc start} run with {@code NOTIFY_SOCKET} waits for the container's own READY=1.
 */
public final class ServiceManagerVariables {
    static final List<String> NAMES = List.of("NOTIFY_SOCKET", "WATCHDOG_USEC", "WATCHDOG_PID");

    private ServiceManagerVariables() {
    }

    /** Removes them from a child's {@code environment} (a {@link ProcessBuilder#environment()}). */
    public static void removeFrom(Map<String, String> environment) {
        environment.keySet().removeAll(NAMES);
    }
}
