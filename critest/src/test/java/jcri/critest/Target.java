package jcri.critest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Optional;

/**
 * The CRI endpoint under test: {@code -Dcri.endpoint=unix:///…} for any runtime, otherwise one jcrid
 * started for the whole suite in a temporary directory.
 */
public final class Target {
    private static JcridProcess daemon;
    private static CriClient client;

    private Target() {
    }

    /** True when the suite runs against an endpoint it did not start (e.g. containerd). */
    public static boolean external() {
        return System.getProperty("cri.endpoint") != null;
    }

    /**
     * Asserts {@code e}'s status code where the CRI names none, so only against jcri: other runtimes choose their
     * own (containerd 1.6 answers most failures with UNKNOWN).
     */
    public static void assertJcriCode(io.grpc.Status.Code expected, io.grpc.StatusRuntimeException e) {
        if (!external()) {
            org.junit.jupiter.api.Assertions.assertEquals(expected, e.getStatus().getCode(), e.getStatus().toString());
        }
    }

    /** Runs {@code call}; an endpoint that does not implement it (an older CRI than jcri's) skips the test. */
    public static <T> T assumeImplemented(java.util.function.Supplier<T> call) {
        try {
            return call.get();
        } catch (io.grpc.StatusRuntimeException e) {
            org.junit.jupiter.api.Assumptions.assumeFalse(external() && e.getStatus().getCode() == io.grpc.Status.Code.UNIMPLEMENTED,
                    "the endpoint's CRI predates this call: " + e.getStatus());
            throw e;
        }
    }

    public static synchronized CriClient client() {
        if (client == null) {
            var endpoint = System.getProperty("cri.endpoint");
            if (endpoint == null) {
                endpoint = startDaemon().endpoint();
            }
            client = new CriClient(endpoint);
        }
        return client;
    }

    /** The endpoint under test, for clients other than {@link #client()} (crictl). */
    public static synchronized String endpoint() {
        var endpoint = System.getProperty("cri.endpoint");
        return endpoint != null ? endpoint : daemon().orElseThrow().endpoint();
    }

    /** The suite's own jcrid, if it started one. */
    public static synchronized Optional<JcridProcess> daemon() {
        client();
        return Optional.ofNullable(daemon);
    }

    /** The suite's own jcrid if it has been started already (never starts it). */
    static synchronized Optional<JcridProcess> startedDaemon() {
        return Optional.ofNullable(daemon);
    }

    private static JcridProcess startDaemon() {
        try {
            var dir = Scratch.dir("critest-");
            TestNetwork.forSuite(dir.resolve("net.d"), dir.resolve("ipam"));
            daemon = JcridProcess.start(dir, "");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        Scratch.stopAtExit(daemon);
        return daemon;
    }
}
