package jcri.image.content;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/** sha256 digests in their {@code sha256:<hex>} form. */
public final class Digests {
    private static final Pattern SHA256 = Pattern.compile("sha256:[a-f0-9]{64}");

    private Digests() {
    }

    /** A SHA-256 digest: OpenSSL's where libcrypto is there (see {@link NativeSha256}), else the JDK's. */
    public static MessageDigest sha256() {
        var fast = NativeSha256.create();
        if (fast.isPresent()) {
            return fast.get();
        }
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }

    public static String of(byte[] bytes) {
        return format(sha256().digest(bytes));
    }

    public static String format(byte[] sha256) {
        return "sha256:" + HexFormat.of().formatHex(sha256);
    }

    /** Throws IllegalArgumentException unless {@code digest} is a sha256 digest (the only kind stored here). */
    public static String require(String digest) {
        if (digest == null || !SHA256.matcher(digest).matches()) {
            throw new IllegalArgumentException("'" + digest + "' is not a sha256 digest");
        }
        return digest;
    }

    public static String hex(String digest) {
        return require(digest).substring("sha256:".length());
    }
}
