package jcri.api;

import java.time.Duration;

/** CRI timeouts (whole seconds in requests) as durations that any later conversion to nanoseconds survives. */
public final class Timeouts {
    /** About 292 years: the longest duration whose nanoseconds fit a long. */
    private static final long MAX_SECONDS = Long.MAX_VALUE / 1_000_000_000L;

    private Timeouts() {
    }

    /** {@code seconds} as a duration, negative values as zero and values past {@link #MAX_SECONDS} as that. */
    public static Duration seconds(long seconds) {
        return Duration.ofSeconds(Math.clamp(seconds, 0, MAX_SECONDS));
    }
}
