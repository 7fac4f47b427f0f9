package jcri.runtime.stream;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The outcome of an exec or attach session as the error stream carries it: from protocol v4 a
 * Kubernetes {@code Status} object (with the exit code as an {@code ExitCode} cause), before it the
 * error message alone and nothing on success.
 */
final class RemoteStatus {
    private static final ObjectMapper JSON = new ObjectMapper();

    private RemoteStatus() {
    }

    static byte[] success(boolean json) {
        return json ? bytes(status("Success")) : new byte[0];
    }

    static byte[] exitCode(boolean json, List<String> cmd, int code) {
        var message = "command terminated with non-zero exit code: command " + cmd + " exited with " + code;
        if (!json) {
            return message.getBytes(StandardCharsets.UTF_8);
        }
        var status = status("Failure").put("message", message).put("reason", "NonZeroExitCode");
        status.putObject("details").putArray("causes").addObject().put("reason", "ExitCode").put("message", String.valueOf(code));
        return bytes(status);
    }

    static byte[] failure(boolean json, String message) {
        if (!json) {
            return message.getBytes(StandardCharsets.UTF_8);
        }
        var status = status("Failure").put("message", message).put("reason", "InternalError").put("code", 500);
        status.putObject("details").putArray("causes").addObject().put("message", message);
        return bytes(status);
    }

    private static ObjectNode status(String outcome) {
        var status = JSON.createObjectNode();
        status.putObject("metadata");
        status.put("status", outcome);
        return status;
    }

    private static byte[] bytes(ObjectNode status) {
        try {
            return JSON.writeValueAsBytes(status);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
