package jcri.runtime.container;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import jcri.api.CriException;
import jcri.api.v1.ContainerConfig;
import jcri.api.v1.ContainerMetadata;
import jcri.api.v1.PodSandboxConfig;
import jcri.runtime.sandbox.PodRuntime;
import org.junit.jupiter.api.Test;

class ContainerRequestTest {
    private static final PodRuntime POD = new PodRuntime("p", PodSandboxConfig.newBuilder().setLogDirectory("/var/log/pods/p").build(),
            null, null, "", "runc", true);

    private static ContainerConfig.Builder named(String name) {
        return ContainerConfig.newBuilder().setMetadata(ContainerMetadata.newBuilder().setName(name));
    }

    @Test
    void aNamedContainerLoggingInsideThePodsLogDirPasses() {
        assertDoesNotThrow(() -> ContainerRequest.check(POD, named("app").setLogPath("app/0.log").build()));
    }

    @Test
    void eachBadRequestIsInvalidArgumentNamingWhatIsWrong() {
        assertInvalid(named("").build(), "needs a name");
        assertInvalid(named("app").setLogPath("../other/0.log").build(), "log_path");
        assertInvalid(named("app").putLabels("k".repeat(10), "v".repeat(1 << 20)).build(), "container labels");
    }

    private static void assertInvalid(ContainerConfig config, String message) {
        var e = assertThrows(CriException.class, () -> ContainerRequest.check(POD, config));
        assertEquals(Status.Code.INVALID_ARGUMENT, e.code());
        assertTrue(e.getMessage().contains(message), e.getMessage());
    }
}
