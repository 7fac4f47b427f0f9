package jcri.image.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.grpc.Status;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import jcri.api.CriException;
import org.junit.jupiter.api.Test;

class CredentialsTest {
    private static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void dockerStyleAuthIsDecodedAtTheFirstColon() {
        var c = Credentials.of("", "", " " + b64("robot$ci:pa:ss") + "\n", "", "");
        assertEquals("robot$ci", c.username());
        assertEquals("pa:ss", c.password(), "a password may contain colons");
    }

    @Test
    void anExplicitUserNameWinsOverAuth() {
        var c = Credentials.of("alice", "pw", b64("bob:other"), null, null);
        assertEquals("alice", c.username());
        assertEquals("pw", c.password());
        assertEquals("", c.identityToken());
    }

    @Test
    void badAuthIsAnInvalidArgument() {
        var notBase64 = assertThrows(CriException.class, () -> Credentials.of("", "", "%%%", "", ""));
        assertEquals(Status.Code.INVALID_ARGUMENT, notBase64.code());
        assertEquals("auth.auth is not valid base64 of 'user:password'", notBase64.getMessage());
        var noColon = assertThrows(CriException.class, () -> Credentials.of(null, null, b64("justauser"), "", ""));
        assertEquals("auth.auth does not decode to 'user:password'", noColon.getMessage());
    }

    @Test
    void anonymousHasNoPasswordAndBasicEncodesUserAndPassword() {
        assertFalse(Credentials.ANONYMOUS.hasPassword());
        assertEquals("Basic " + b64("ü:p"), Credentials.of("ü", "p", "", "", "").basic());
    }
}
