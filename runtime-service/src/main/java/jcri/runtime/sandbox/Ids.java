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
}
