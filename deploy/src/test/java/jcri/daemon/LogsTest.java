package jcri.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.logging.ConsoleHandler;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The daemon's logging set-up; the JVM's root handlers and levels are put back after each test. */
class LogsTest {
    private final Logger root = Logger.getLogger("");
    private List<Handler> savedHandlers;
    private Level savedJcri;

    @BeforeEach
    void save() {
        savedHandlers = List.of(root.getHandlers());
        savedJcri = Logger.getLogger("jcri").getLevel();
    }

    @AfterEach
    void restore() {
        for (var h : root.getHandlers()) {
            root.removeHandler(h);
        }
        savedHandlers.forEach(root::addHandler);
        Logger.getLogger("jcri").setLevel(savedJcri);
    }

    private static LogRecord record(Level level, String logger, String message) {
        var r = new LogRecord(level, message);
        r.setLoggerName(logger);
        r.setMillis(0);
        return r;
    }

    @Test
    void theConfiguredLevelAppliesToJcriAndLinesAreKeyValue() {
        Logs.configure("warn", "text");
        assertEquals(Level.WARNING, Logger.getLogger("jcri").getLevel());
        var handlers = root.getHandlers();
        assertEquals(1, handlers.length, "the JDK's default handler is replaced");
        var handler = (ConsoleHandler) handlers[0];
        assertEquals(Level.WARNING, handler.getLevel());
        assertEquals("1970-01-01T00:00:00Z level=warn logger=jcri.x disk full\n",
                handler.getFormatter().format(record(Level.WARNING, "jcri.x", "disk full")));
        var withCause = record(Level.INFO, "jcri.y", "retrying");
        withCause.setThrown(new java.io.IOException("reset"));
        assertEquals("1970-01-01T00:00:00Z level=info logger=jcri.y retrying error=\"java.io.IOException: reset\"\n",
                handler.getFormatter().format(withCause), "below SEVERE a cause is one field, not a stack trace");
        var severe = record(Level.SEVERE, "jcri.z", "crashed");
        severe.setThrown(new IllegalStateException("boom"));
        assertTrue(handler.getFormatter().format(severe).contains("level=error logger=jcri.z crashed\njava.lang.IllegalStateException: boom\n\tat "));
    }

    @Test
    void debugAndUnknownLevels() {
        Logs.configure("debug", "text");
        assertEquals(Level.FINE, Logger.getLogger("jcri").getLevel());
        assertEquals("1970-01-01T00:00:00Z level=debug logger=l m\n", root.getHandlers()[0].getFormatter().format(record(Level.FINE, "l", "m")));
        Logs.configure("anything", "text");
        assertEquals(Level.INFO, Logger.getLogger("jcri").getLevel());
    }

    @Test
    void jsonLinesCarryTimeLevelLoggerMessageAndCause() {
        Logs.configure("info", "json");
        var formatter = root.getHandlers()[0].getFormatter();
        assertEquals("{\"time\":\"1970-01-01T00:00:00Z\",\"level\":\"warn\",\"logger\":\"jcri.x\",\"msg\":\"disk \\\"full\\\"\\nreally\"}\n",
                formatter.format(record(Level.WARNING, "jcri.x", "disk \"full\"\nreally")), "one line, escaped");
        var withCause = record(Level.INFO, "jcri.y", "retrying");
        withCause.setThrown(new java.io.IOException("reset"));
        assertEquals("{\"time\":\"1970-01-01T00:00:00Z\",\"level\":\"info\",\"logger\":\"jcri.y\",\"msg\":\"retrying\","
                + "\"error\":\"java.io.IOException: reset\"}\n", formatter.format(withCause));
        var severe = record(Level.SEVERE, "jcri.z", "crashed");
        severe.setThrown(new IllegalStateException("boom"));
        var line = formatter.format(severe);
        assertEquals(1, line.lines().count(), line);
        assertTrue(line.contains("\"error\":\"java.lang.IllegalStateException: boom\",\"stack\":\"java.lang.IllegalStateException: boom\\n\\tat "),
                line);
    }

    @Test
    void theFormatChangesWhileRunning() {
        Logs.configure("info", "text");
        var handler = root.getHandlers()[0];
        Logs.format("json");
        assertTrue(handler.getFormatter().format(record(Level.INFO, "l", "m")).startsWith("{\"time\":"));
        Logs.format("text");
        assertEquals("1970-01-01T00:00:00Z level=info logger=l m\n", handler.getFormatter().format(record(Level.INFO, "l", "m")));
        assertEquals(List.of(handler), List.of(root.getHandlers()), "the same handler");
    }

    @Test
    void nettysKeepAliveWarningOnUnixSocketsIsFilteredOut() {
        Logs.configure("info", "text");
        var filter = Logger.getLogger("io.netty.bootstrap.ServerBootstrap").getFilter();
        assertFalse(filter.isLoggable(record(Level.WARNING, "io.netty.bootstrap.ServerBootstrap", "Unknown channel option 'SO_KEEPALIVE' for channel")));
        assertTrue(filter.isLoggable(record(Level.WARNING, "io.netty.bootstrap.ServerBootstrap", "Failed to bind")));
    }

    @Test
    void theDaemonLogManagerKeepsHandlersUntilFinished() {
        var manager = new DaemonLogManager();
        var logger = new Logger("jcri.test.daemon-log-manager", null) { };
        var handler = new ConsoleHandler();
        logger.addHandler(handler);
        manager.addLogger(logger);

        manager.reset(); // what the JDK's shutdown hook does
        assertEquals(List.of(handler), List.of(logger.getHandlers()), "still logging while jcrid shuts down");
        manager.finish();
        assertEquals(0, logger.getHandlers().length);
    }

    @Test
    void theLevelChangesWhileRunning() {
        Logs.configure("info", "text");
        var handler = root.getHandlers()[0];
        Logs.level("debug");
        assertEquals(Level.FINE, Logger.getLogger("jcri").getLevel());
        assertTrue(handler.isLoggable(record(Level.FINE, "jcri.x", "shown")));
        Logs.level("error");
        assertEquals(Level.SEVERE, Logger.getLogger("jcri").getLevel());
        assertFalse(handler.isLoggable(record(Level.WARNING, "jcri.x", "hidden")));
        assertEquals(1, root.getHandlers().length, "the same handler");
    }
}
