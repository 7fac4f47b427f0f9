package jcri.process;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ServiceManagerVariablesTest {
    @Test
    void removesTheNotifyAndWatchdogVariablesOnly() {
        var env = new HashMap<>(Map.of("NOTIFY_SOCKET", "/run/systemd/notify", "WATCHDOG_USEC", "30000000",
                "WATCHDOG_PID", "1", "PATH", "/usr/bin", "INVOCATION_ID", "x"));
        ServiceManagerVariables.removeFrom(env);
        assertEquals(Map.of("PATH", "/usr/bin", "INVOCATION_ID", "x"), env);
    }
}
