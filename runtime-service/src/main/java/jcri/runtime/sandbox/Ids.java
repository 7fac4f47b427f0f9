package jcri.runtime.sandbox;

import java.security.SecureRandom;
import java.util.HexFormat;

/** Random 64-hex-character ids for pods and containers. */
public final class Ids {
    private static final SecureRandom RANDOM = new SecureRandom();

    private Ids() {
    }

    public static String newId() {
        var bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    /** True for a string shaped like an id this class makes. */
    public static boolean valid(String id) {
        return id.length() == 64 && id.chars().allMatch(c -> c >= '0' && c <= '9' || c >= 'a' && c <= 'f');
    }
}
