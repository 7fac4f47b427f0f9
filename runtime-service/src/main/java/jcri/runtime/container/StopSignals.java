package jcri.runtime.container;

import jcri.api.v1.Signal;

/**
 * A container's stop signal: the CRI's {@code stop_signal} when it names one, else the image's {@code StopSignal},
 * else SIGTERM. Kept as a name ({@code SIGQUIT}, {@code SIGRTMINPLUS1}, or what the image wrote, such as {@code QUIT}
 * or {@code 3}), and turned into what {@code runc kill} takes and what ContainerStatus reports.
 */
public final class StopSignals {
    /** Linux's first and last real-time signal numbers, as the C library names them (glibc reserves 32 and 33). */
    private static final int RTMIN = 34;
    private static final int RTMAX = 64;

    private StopSignals() {
    }

    /** The signal to record: {@code requested} unless RUNTIME_DEFAULT, else {@code image}'s ("" for none). */
    static String chosen(Signal requested, String image) {
        return requested == Signal.RUNTIME_DEFAULT || requested == Signal.UNRECOGNIZED ? image : requested.name();
    }

    /** The argument of {@code runc kill}: a name without its SIG prefix, or a number for real-time signals. */
    static String forRuntime(String signal) {
        if (signal.isEmpty()) {
            return "TERM";
        }
        var name = signal.startsWith("SIG") ? signal.substring(3) : signal;
        if (name.startsWith("RTMINPLUS")) {
            return Integer.toString(RTMIN + Integer.parseInt(name.substring("RTMINPLUS".length())));
        }
        if (name.startsWith("RTMAXMINUS")) {
            return Integer.toString(RTMAX - Integer.parseInt(name.substring("RTMAXMINUS".length())));
        }
        return switch (name) {
            case "RTMIN" -> Integer.toString(RTMIN);
            case "RTMAX" -> Integer.toString(RTMAX);
            default -> name;
        };
    }

    /** The CRI's name of the signal; SIGTERM for none, RUNTIME_DEFAULT for one it has no name for (a number). */
    public static Signal forStatus(String signal) {
        if (signal.isEmpty()) {
            return Signal.SIGTERM;
        }
        var name = signal.startsWith("SIG") ? signal : "SIG" + signal;
        try {
            return Signal.valueOf(name);
        } catch (IllegalArgumentException e) {
            return Signal.RUNTIME_DEFAULT;
        }
    }
}
