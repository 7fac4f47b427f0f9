package jcri.runtime.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The error stream's last message, as kubectl reads it: a Status object from v4, plain text before. */
class RemoteStatusTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void successIsAStatusFromV4AndNothingBefore() throws Exception {
        assertEquals(JSON.readTree("{\"metadata\":{},\"status\":\"Success\"}"), JSON.readTree(RemoteStatus.success(true)));
        assertEquals(0, RemoteStatus.success(false).length);
    }

    @Test
    void aNonZeroExitCarriesTheCodeAsAnExitCodeCause() throws Exception {
        var status = JSON.readTree(RemoteStatus.exitCode(true, List.of("sh", "-c", "exit 3"), 3));
        assertEquals("Failure", status.path("status").asText());
        assertEquals("NonZeroExitCode", status.path("reason").asText());
        assertEquals("ExitCode", status.at("/details/causes/0/reason").asText());
        assertEquals("3", status.at("/details/causes/0/message").asText(), "kubectl parses the exit code from this string");
        assertEquals("command terminated with non-zero exit code: command [sh, -c, exit 3] exited with 3",
                new String(RemoteStatus.exitCode(false, List.of("sh", "-c", "exit 3"), 3), StandardCharsets.UTF_8));
    }

    @Test
    void aFailureIsAnInternalErrorWithItsMessage() throws Exception {
        var status = JSON.readTree(RemoteStatus.failure(true, "container \"x\" is not running"));
        assertEquals("InternalError", status.path("reason").asText());
        assertEquals(500, status.path("code").asInt());
        assertEquals("container \"x\" is not running", status.path("message").asText());
        assertEquals("container \"x\" is not running", status.at("/details/causes/0/message").asText());
        assertEquals("boom", new String(RemoteStatus.failure(false, "boom"), StandardCharsets.UTF_8));
    }
}
