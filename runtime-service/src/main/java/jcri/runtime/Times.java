package jcri.runtime;

import java.time.Instant;

/** Timestamps as the CRI carries them: Unix nanoseconds. */
public final class Times {
    private Times() {
    }

    public static long nanos(Instant t) {
        return t.getEpochSecond() * 1_000_000_000L + t.getNano();
    }

    public static long now() {
        return nanos(Instant.now());
    }
}
