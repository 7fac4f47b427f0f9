package jcri.runtime.container;

import jcri.api.v1.ContainerConfig;
import jcri.api.v1.ContainerMetadata;
import jcri.runtime.oci.spec.Process;
import java.util.List;

/** Container records for tests. */
final class TestRecords {
    static final String POD = "p".repeat(64);

    private TestRecords() {
    }

    /** A 64-hex container id made from {@code n}. */
    static String id(int n) {
        return String.format("%064x", n);
    }

    static ContainerRecord created(String id, String name) {
        var config = ContainerConfig.newBuilder().setMetadata(ContainerMetadata.newBuilder().setName(name).setAttempt(0)).build();
        return new ContainerRecord(id, POD, config.toByteArray(), "sha256:" + "c".repeat(64), "busybox", ContainerState.CREATED,
                1_000, 0, 0, 0, "", "", "/tmp/" + name + ".log", 4242, "runc", "",
                new Process.User(1000, 1000, List.of(44L)), null);
    }

    static ContainerRecord running(String id, String name, long startedNanos) {
        return created(id, name).started(startedNanos);
    }
}
