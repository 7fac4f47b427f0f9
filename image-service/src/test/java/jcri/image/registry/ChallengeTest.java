package jcri.image.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import jcri.api.CriException;
import jcri.image.oci.Descriptor;
import jcri.image.oci.Platform;
import org.junit.jupiter.api.Test;

class ChallengeTest {
    @Test
    void parsesBearerWithQuotedCommas() {
        var c = Challenge.parse("Bearer realm=\"https://auth.example/token\",service=\"registry.example\","
                + "scope=\"repository:a/b:pull,push\"");
        assertEquals("bearer", c.scheme());
        assertEquals("https://auth.example/token", c.param("realm"));
        assertEquals("registry.example", c.param("service"));
        assertEquals("repository:a/b:pull,push", c.param("scope"));
    }

    @Test
    void parsesBasic() {
        var c = Challenge.parse("Basic realm=\"Registry Realm\"");
        assertEquals("basic", c.scheme());
        assertEquals("Registry Realm", c.param("realm"));
    }

    @Test
    void platformSelectionPrefersExactVariantThenNone() {
        var amd = new Descriptor("m", "sha256:1", 1, new Platform("amd64", "linux", null, null), null);
        var amdV3 = new Descriptor("m", "sha256:2", 1, new Platform("amd64", "linux", "v3", null), null);
        var arm = new Descriptor("m", "sha256:3", 1, new Platform("arm64", "linux", "v8", null), null);
        var attestation = new Descriptor("m", "sha256:4", 1, new Platform("unknown", "unknown", null, null), null);
        var node = new Platform("amd64", "linux", "", null);
        assertEquals(amd, PlatformMatcher.select(node, List.of(attestation, amdV3, arm, amd)));
        assertEquals(amdV3, PlatformMatcher.select(node, List.of(arm, amdV3)));
        assertEquals(arm, PlatformMatcher.select(new Platform("arm64", "linux", "v8", null), List.of(amd, arm)));
        var e = org.junit.jupiter.api.Assertions.assertThrows(CriException.class, () -> PlatformMatcher.select(node, List.of(arm)));
        assertEquals(io.grpc.Status.Code.NOT_FOUND, e.code());
    }

    @Test
    void authFieldDecodesToUserAndPassword() {
        var c = Credentials.of("", "", java.util.Base64.getEncoder().encodeToString("bob:s3:cret".getBytes()), "", "");
        assertEquals("bob", c.username());
        assertEquals("s3:cret", c.password());
    }
}
