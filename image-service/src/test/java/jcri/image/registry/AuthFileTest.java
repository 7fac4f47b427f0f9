package jcri.image.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import jcri.api.CriException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuthFileTest {
    @TempDir
    Path dir;

    private AuthFile write(String json) throws Exception {
        var file = dir.resolve("auth.json");
        Files.writeString(file, json);
        return new AuthFile(file.toString());
    }

    private static String base64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void noPathOrNoFileMeansAnonymous() {
        assertEquals(Credentials.ANONYMOUS, new AuthFile("").credentialsFor("quay.io"));
        assertEquals(Credentials.ANONYMOUS, new AuthFile(dir.resolve("absent.json").toString()).credentialsFor("quay.io"));
    }

    @Test
    void authIsDecodedAndUsernamePasswordTakenAsGiven() throws Exception {
        var file = write("{\"auths\":{\"quay.io\":{\"auth\":\"" + base64("alice:pa:ss") + "\"},"
                + "\"reg.lan:5000\":{\"username\":\"bob\",\"password\":\"builder\",\"email\":\"b@x\"}}}");
        assertEquals(new Credentials("alice", "pa:ss", "", ""), file.credentialsFor("quay.io"));
        assertEquals(new Credentials("bob", "builder", "", ""), file.credentialsFor("reg.lan:5000"));
        assertEquals(Credentials.ANONYMOUS, file.credentialsFor("reg.lan"), "the port is part of the host");
        assertEquals(Credentials.ANONYMOUS, file.credentialsFor("ghcr.io"));
    }

    @Test
    void tokensAreCarried() throws Exception {
        var file = write("{\"auths\":{\"a.io\":{\"identitytoken\":\"refresh\"},\"b.io\":{\"registrytoken\":\"bearer\"}}}");
        assertEquals(new Credentials("", "", "refresh", ""), file.credentialsFor("a.io"));
        assertEquals(new Credentials("", "", "", "bearer"), file.credentialsFor("b.io"));
    }

    @Test
    void keysMayCarryASchemeAPathAndDockerHubAliases() throws Exception {
        var file = write("{\"auths\":{\"https://index.docker.io/v1/\":{\"auth\":\"" + base64("hub:pw") + "\"},"
                + "\"http://Reg.Lan:5000/v2/\":{\"auth\":\"" + base64("lan:pw") + "\"}}}");
        assertEquals("hub", file.credentialsFor("docker.io").username());
        assertEquals("lan", file.credentialsFor("reg.lan:5000").username());
    }

    @Test
    void theFirstKeyNamingTheHostWins() throws Exception {
        var file = write("{\"auths\":{\"https://quay.io\":{\"auth\":\"" + base64("first:pw") + "\"},"
                + "\"quay.io\":{\"auth\":\"" + base64("second:pw") + "\"}}}");
        assertEquals("first", file.credentialsFor("quay.io").username());
    }

    @Test
    void theFileIsReadAgainAtEachLookup() throws Exception {
        var file = write("{\"auths\":{}}");
        assertEquals(Credentials.ANONYMOUS, file.credentialsFor("quay.io"));
        write("{\"auths\":{\"quay.io\":{\"auth\":\"" + base64("later:pw") + "\"}}}");
        assertEquals("later", file.credentialsFor("quay.io").username());
    }

    @Test
    void aFileWithoutAuthsOrWithOnlyHelpersIsAnonymous() throws Exception {
        assertEquals(Credentials.ANONYMOUS, write("{\"credsStore\":\"desktop\"}").credentialsFor("quay.io"));
        assertEquals(Credentials.ANONYMOUS, write("{}").credentialsFor("quay.io"));
    }

    @Test
    void anUnusableFileIsAPreconditionNamingTheFileAndEntry() throws Exception {
        var path = dir.resolve("auth.json");
        var broken = assertThrows(CriException.class, () -> write("{\"auths\":").credentialsFor("quay.io"));
        assertEquals(Status.Code.FAILED_PRECONDITION, broken.code());
        assertTrue(broken.getMessage().startsWith("auth file " + path + " (images.auth_file) cannot be read as JSON"), broken.getMessage());
        var notObject = assertThrows(CriException.class, () -> write("{\"auths\":[]}").credentialsFor("quay.io"));
        assertEquals("auth file " + path + " (images.auth_file) has an 'auths' that is not an object", notObject.getMessage());
        var badAuth = assertThrows(CriException.class, () -> write("{\"auths\":{\"quay.io\":{\"auth\":\"%%%\"}}}").credentialsFor("quay.io"));
        assertEquals("auth file " + path + " (images.auth_file) has an entry for 'quay.io' whose auth is not valid base64 of 'user:password'",
                badAuth.getMessage());
        var entry = assertThrows(CriException.class, () -> write("{\"auths\":{\"quay.io\":\"x\"}}").credentialsFor("quay.io"));
        assertEquals("auth file " + path + " (images.auth_file) has an entry for 'quay.io' that is not an object", entry.getMessage());
        assertEquals(Credentials.ANONYMOUS, write("{\"auths\":{\"quay.io\":\"x\"}}").credentialsFor("ghcr.io"), "other entries do not matter");
    }
}
