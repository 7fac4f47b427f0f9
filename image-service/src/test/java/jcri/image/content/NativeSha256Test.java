package jcri.image.content;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.security.MessageDigest;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** OpenSSL's SHA-256 (real libcrypto.so.3 of this host) gives exactly the JDK's digests, however it is fed. */
class NativeSha256Test {
    @Test
    void digestsMatchTheJdksForEveryWayOfFeedingIt() throws Exception {
        var digest = Digests.sha256();
        assertInstanceOf(NativeSha256.class, digest, "libcrypto.so.3 is installed here (Debian's libssl3)");
        var jdk = MessageDigest.getInstance("SHA-256", "SUN");
        assertArrayEquals(jdk.digest(), digest.digest(), "empty input");

        var data = new byte[3 << 20];
        new Random(7).nextBytes(data);
        digest.update(data[0]);
        digest.update(data, 1, 1000);
        digest.update(data, 1001, data.length - 1001);
        assertArrayEquals(jdk.digest(data), digest.digest(), "single byte, then slices at offsets");

        digest.update(data, 5, 10);
        digest.reset();
        digest.update(data, 17, 4096);
        jdk.update(data, 17, 4096);
        assertArrayEquals(jdk.digest(), digest.digest(), "reset forgets what came before");
    }
}
