package jcri.daemon;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.util.logging.ConsoleHandler;
import java.util.logging.Formatter;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * One line per log record on stderr, as key=value text or as a JSON object (journald adds its own timestamps, ours
 * are kept for files).
 */
final class Logs {
    /** Held strongly: java.util.logging keeps loggers weakly, and a collected logger loses its filter. */
    private static final Logger KEEP_ALIVE_NOISE = Logger.getLogger("io.netty.bootstrap.ServerBootstrap");

    /** The one console handler, whose level {@link #level} changes. */
    private static final ConsoleHandler HANDLER = new ConsoleHandler();
    /** Held strongly too: its level is jcri's log level. */
    private static final Logger JCRI = Logger.getLogger("jcri");

    private Logs() {
    }

    /**
     * Sends every record to stderr as one line in {@code format} (text, json), jcri's at {@code level} (error, warn,
     * info, debug) and up.
     */
    static void configure(String level, String format) {
        var root = Logger.getLogger("");
        for (var handler : root.getHandlers()) {
            root.removeHandler(handler);
        }
        format(format);
        root.addHandler(HANDLER);
        root.setLevel(Level.INFO);
        level(level);
        // grpc-netty asks every accepted connection for TCP keep-alive, which Unix sockets do not have
        KEEP_ALIVE_NOISE.setFilter(r -> r.getMessage() == null || !r.getMessage().contains("'SO_KEEPALIVE'"));
    }

    /** Changes jcri's log level while it runs. */
    static void level(String level) {
        var julLevel = switch (level) {
            case "error" -> Level.SEVERE;
            case "warn" -> Level.WARNING;
            case "debug" -> Level.FINE;
            default -> Level.INFO;
        };
        HANDLER.setLevel(julLevel);
        JCRI.setLevel(julLevel);
    }

    /** Changes the format of the lines while jcrid runs: {@code json}, or text for anything else. */
    static void format(String format) {
        HANDLER.setFormatter(format.equals("json") ? new JsonFormatter() : new LineFormatter());
    }

    private static String name(Level level) {
        return level == Level.SEVERE ? "error" : level == Level.WARNING ? "warn"
                : level == Level.INFO ? "info" : "debug";
    }

    private static String stackTrace(Throwable thrown) {
        var out = new StringWriter();
        thrown.printStackTrace(new PrintWriter(out));
        return out.toString();
    }

    private static final class LineFormatter extends Formatter {
        @Override
        public String format(LogRecord r) {
            var line = new StringBuilder()
                    .append(Instant.ofEpochMilli(r.getMillis())).append(' ')
                    .append("level=").append(name(r.getLevel())).append(' ')
                    .append("logger=").append(r.getLoggerName()).append(' ')
                    .append(formatMessage(r));
            if (r.getThrown() != null && r.getLevel().intValue() >= Level.SEVERE.intValue()) {
                line.append('\n').append(stackTrace(r.getThrown()));
            } else if (r.getThrown() != null) {
                line.append(" error=\"").append(r.getThrown()).append('"');
            }
            return line.append('\n').toString();
        }
    }

    /**
     * One JSON object per line, with the field names containerd and CRI-O write ({@code time}, {@code level},
     * {@code msg}), plus {@code logger}; a cause is {@code error}, and at error level also {@code stack}.
     */
    private static final class JsonFormatter extends Formatter {
        private static final ObjectMapper JSON = new ObjectMapper();

        @Override
        public String format(LogRecord r) {
            var line = JSON.createObjectNode()
                    .put("time", Instant.ofEpochMilli(r.getMillis()).toString())
                    .put("level", name(r.getLevel()))
                    .put("logger", r.getLoggerName())
                    .put("msg", formatMessage(r));
            if (r.getThrown() != null) {
                line.put("error", r.getThrown().toString());
                if (r.getLevel().intValue() >= Level.SEVERE.intValue()) {
                    line.put("stack", stackTrace(r.getThrown()));
                }
            }
            return line + "\n";
        }
    }
}
