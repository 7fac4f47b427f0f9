package jcri.critest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import jcri.api.v1.ContainerStatusRequest;
import jcri.api.v1.ExecSyncRequest;
import jcri.api.v1.ExecSyncResponse;
import jcri.api.v1.Int64Value;
import jcri.api.v1.LinuxContainerConfig;
import jcri.api.v1.LinuxContainerSecurityContext;
import jcri.api.v1.StopContainerRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** critest "exec sync": output, exit codes, the container's user, timeouts that hold, no zombies, clear errors. */
class ExecSyncSpec {
    private static final CriClient CRI = Target.client();
    private static String podId;
    private static String container;

    @BeforeAll
    static void startContainer() {
        var pod = Pods.config("exec").build();
        podId = Pods.run(CRI, pod);
        container = Pods.start(CRI, podId, pod, Pods.shell(CRI, "exec", "exec sleep 100000")
                .setLinux(LinuxContainerConfig.newBuilder().setSecurityContext(LinuxContainerSecurityContext.newBuilder()
                        .setRunAsUser(Int64Value.newBuilder().setValue(33)))).build());
    }

    @AfterAll
    static void removePod() {
        Pods.destroy(CRI, podId);
    }

    private static ExecSyncResponse exec(long timeout, String... cmd) {
        return CRI.runtime().withDeadlineAfter(120, java.util.concurrent.TimeUnit.SECONDS).execSync(ExecSyncRequest.newBuilder().setContainerId(container).addAllCmd(List.of(cmd))
                .setTimeout(timeout).build());
    }

    @Test
    void returnsOutputAndExitCodeAsTheContainersUser() {
        var result = exec(10, "sh", "-c", "echo out; echo err >&2; id -u; exit 4");
        assertEquals("out\n33\n", result.getStdout().toStringUtf8());
        assertEquals("err\n", result.getStderr().toStringUtf8());
        assertEquals(4, result.getExitCode());
    }

    @Test
    void aBackgroundProcessHoldingTheStreamsDoesNotHoldTheCall() {
        long t0 = System.nanoTime();
        var result = exec(30, "sh", "-c", "sleep 1000 & echo hi");
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertEquals("hi\n", result.getStdout().toStringUtf8());
        assertTrue(ms < 10_000, "returned after " + ms + " ms, not when the background sleep ends");
        exec(10, "sh", "-c", "pkill sleep 2>/dev/null; kill $(pidof sleep | tr ' ' '\\n' | grep -v '^1$') 2>/dev/null; true");
    }

    @Test
    void theTimeoutKillsTheCommandAndWhatItStarted() throws Exception {
        long t0 = System.nanoTime();
        long tag = 1000 + ProcessHandle.current().pid() % 100_000; // a command line no other test runs
        var e = assertThrows(StatusRuntimeException.class, () -> exec(2, "sh", "-c", "sleep " + tag + "1 & sleep " + tag + "2"));
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertEquals(Status.Code.DEADLINE_EXCEEDED, e.getStatus().getCode(), e.getMessage());
        assertTrue(ms >= 1900 && ms < 10_000, "took " + ms + " ms");
        assertGone("sleep " + tag + "1", "sleep " + tag + "2");
    }

    /** Asserts no process has any of these command lines, waiting for them to go. */
    private static void assertGone(String... commandLines) throws InterruptedException {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
        java.util.function.BooleanSupplier gone = () -> java.util.Arrays.stream(commandLines)
                .allMatch(c -> HostProcesses.withCommandLine(c).isEmpty());
        while (!gone.getAsBoolean() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertTrue(gone.getAsBoolean(), "the command and its children are gone: " + List.of(commandLines));
    }

    /** A command line no other test runs. */
    private static String unique(String word) {
        return word + "-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
    }

    @Test
    void aHundredExecsLeaveNoZombies() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeFalse(Target.external(),
                "jcri reaps exec orphans left to a non-reaping pid 1 (here sleep); other runtimes leave that to the container");
        var info = CRI.runtime().containerStatus(ContainerStatusRequest.newBuilder().setContainerId(container).setVerbose(true).build())
                .getInfoOrThrow("info");
        long init = new com.fasterxml.jackson.databind.ObjectMapper().readTree(info).path("pid").asLong();
        for (int i = 0; i < 100; i++) {
            assertEquals(0, exec(10, "sh", "-c", "true & true").getExitCode());
        }
        Thread.sleep(5000); // jcrid reaps orphans it has seen exited twice, two seconds apart
        assertEquals(List.of(), zombiesOf(init), "zombies left by the execs under the container's pid 1");
    }

    @Test
    void anExecSyncUnderWayIsCountedAsASession() throws Exception {
        var daemon = Target.daemon();
        org.junit.jupiter.api.Assumptions.assumeTrue(daemon.isPresent(), "reads the metrics of the jcrid the suite started");
        var series = "container_runtime_jcri_stream_sessions{kind=\"exec_sync\"}";
        var call = java.util.concurrent.CompletableFuture.supplyAsync(() -> exec(10, "sleep", "2"));
        double seen = 0;
        while (seen < 1 && !call.isDone()) {
            seen = daemon.get().metrics().value(series);
            Thread.sleep(50);
        }
        assertEquals(0, call.join().getExitCode());
        assertEquals(1, seen, "sessions counted while the call ran");
        assertEquals(0, daemon.get().metrics().value(series), "and released when it returned");
    }

    @Test
    void largeOutputIsCappedNotAnError() {
        var result = exec(60, "sh", "-c", "dd if=/dev/zero bs=1M count=20 2>/dev/null");
        assertTrue(result.getStdout().size() > 15 << 20 && result.getStdout().size() < 16 << 20, "capped under the 16 MiB message limit: "
                + result.getStdout().size());
        assertEquals(0, result.getExitCode());
    }

    @Test
    void outputOverTheCapInShortLinesIsCutAndAnsweredPromptly() {
        long t0 = System.nanoTime();
        var result = exec(120, "sh", "-c", "yes | head -c 100000000"); // 50 million lines
        long ms = (System.nanoTime() - t0) / 1_000_000;
        var out = result.getStdout();
        assertTrue(out.size() > 0 && out.size() + result.getStderr().size() < 16 << 20, "bounded: " + out.size());
        assertEquals("y\n".repeat(out.size() / 2 + 1).substring(0, out.size()), out.toStringUtf8(), "the head of the output");
        assertEquals(0, result.getExitCode(), "the command ran to its end, its output drained");
        assertTrue(ms < 30_000, "answered after " + ms + " ms (before the cap: 48-75 s)");
    }

    @Test
    void binaryOutputComesBackByteForByte() {
        var result = exec(10, "sh", "-c", "printf '\\000\\377\\r\\200\\n'; printf 'a\\rb' >&2");
        assertEquals(com.google.protobuf.ByteString.copyFrom(new byte[] {0, (byte) 0xff, '\r', (byte) 0x80, '\n'}), result.getStdout());
        assertEquals("a\rb", result.getStderr().toStringUtf8());
    }

    @Test
    void theTimeoutHoldsForACommandWritingWithoutEnd() throws Exception {
        var word = unique("endless");
        long t0 = System.nanoTime();
        var e = assertThrows(StatusRuntimeException.class, () -> exec(2, "yes", word));
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertEquals(Status.Code.DEADLINE_EXCEEDED, e.getStatus().getCode(), e.getMessage());
        assertTrue(ms >= 1900 && ms < 20_000, "took " + ms + " ms");
        assertGone("yes " + word);
    }

    @Test
    void aCallerThatGivesUpTakesTheCommandWithIt() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeFalse(Target.external(), "containerd 1.6 keeps running an exec whose caller left");
        var word = unique("abandoned");
        var e = assertThrows(StatusRuntimeException.class, () -> CRI.runtime().withDeadlineAfter(2, java.util.concurrent.TimeUnit.SECONDS)
                .execSync(ExecSyncRequest.newBuilder().setContainerId(container).addCmd("yes").addCmd(word).build()));
        assertEquals(Status.Code.DEADLINE_EXCEEDED, e.getStatus().getCode(), e.getMessage());
        assertGone("yes " + word);
    }

    @Test
    void missingBinariesAndStoppedContainersGiveClearErrors() {
        var missing = assertThrows(StatusRuntimeException.class, () -> exec(10, "/no/such/tool"));
        assertTrue(missing.getStatus().getDescription().contains("/no/such/tool"), missing.getStatus().toString());
        var pod = Pods.config("exec-stopped").build();
        var stoppedPod = Pods.run(CRI, pod);
        try {
            var id = Pods.start(CRI, stoppedPod, pod, Pods.shell(CRI, "c", "exec sleep 1000").build());
            CRI.runtime().stopContainer(StopContainerRequest.newBuilder().setContainerId(id).setTimeout(0).build());
            var stopped = assertThrows(StatusRuntimeException.class, () -> CRI.runtime().execSync(ExecSyncRequest.newBuilder()
                    .setContainerId(id).addCmd("true").setTimeout(5).build()));
            Target.assertJcriCode(Status.Code.FAILED_PRECONDITION, stopped);
        } finally {
            Pods.destroy(CRI, stoppedPod);
        }
    }

    private static List<Long> zombiesOf(long parent) {
        return ProcessHandle.allProcesses().filter(p -> {
            try {
                var status = Files.readAllLines(Path.of("/proc/" + p.pid() + "/status"));
                return status.contains("PPid:\t" + parent) && status.stream().anyMatch(l -> l.startsWith("State:\tZ"));
            } catch (java.io.IOException e) {
                return false;
            }
        }).map(ProcessHandle::pid).toList();
    }
}
