package jcri.critest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.regex.Pattern;
import jcri.api.v1.ContainerConfig;
import jcri.api.v1.ImageSpec;
import jcri.api.v1.KeyValue;
import jcri.api.v1.PodSandboxConfig;
import jcri.api.v1.PullImageRequest;
import jcri.image.testing.TestImages;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** critest "container": env and working dir from image and config, /etc/hosts, TTY output, the CRI log line format. */
class ContainerConfigSpec {
    /** {@code <RFC3339Nano> <stream> <P|F> <text>}, the format the kubelet parses. */
    private static final Pattern LOG_LINE = Pattern.compile("(\\S+) (stdout|stderr) ([PF]) (.*)", Pattern.DOTALL);

    private final CriClient cri = Target.client();
    private final List<String> pods = new java.util.ArrayList<>();
    private PodSandboxConfig pod;

    @AfterEach
    void cleanUp() {
        pods.forEach(p -> Pods.destroy(cri, p));
    }

    /** Runs {@code config} to its end in a fresh pod and returns the raw lines of its log file. */
    private List<String> rawLog(ContainerConfig config) throws Exception {
        pod = Pods.config("config").build();
        var podId = Pods.run(cri, pod);
        pods.add(podId);
        Logs.afterExit(cri, Pods.start(cri, podId, pod, config), Pods.log(pod, config));
        return Files.readAllLines(Pods.log(pod, config));
    }

    private List<String> output(ContainerConfig config) throws Exception {
        rawLog(config);
        return Logs.text(Pods.log(pod, config));
    }

    @Test
    void envAndWorkingDirFromTheConfigOverrideTheImages() throws Exception {
        var image = TestRegistry.push("critest/env-workdir", "1", TestImages.busyboxBuilder()
                .env("GREETING=from-image", "KEEP=image-only").workingDir("/var/www").build());
        cri.images().pullImage(PullImageRequest.newBuilder().setImage(ImageSpec.newBuilder().setImage(image)).build());
        var script = "echo \"$GREETING $KEEP $ADDED\"; pwd";
        var fromImage = output(Pods.shell(cri, "image", script).setImage(ImageSpec.newBuilder().setImage(image)).build());
        assertEquals(List.of("from-image image-only ", "/var/www"), fromImage);
        var overridden = output(Pods.shell(cri, "config", script).setImage(ImageSpec.newBuilder().setImage(image))
                .addEnvs(KeyValue.newBuilder().setKey("GREETING").setValue("from-config"))
                .addEnvs(KeyValue.newBuilder().setKey("ADDED").setValue("added")).setWorkingDir("/tmp/made/for/me").build());
        assertEquals(List.of("from-config image-only added", "/tmp/made/for/me"), overridden, "a missing working dir is created");
    }

    @Test
    void etcHostsNamesLocalhostAndThePod() throws Exception {
        var out = output(Pods.shell(cri, "hosts", "cat /etc/hosts").build());
        assertTrue(out.stream().anyMatch(l -> l.matches("127\\.0\\.0\\.1\\s+localhost(\\s.*)?")), out.toString());
    }

    @Test
    void terminalOutputIsLoggedAsStdout() throws Exception {
        var config = Pods.shell(cri, "tty", "[ -t 1 ] && echo stdout-is-a-tty; echo to-stderr >&2").setTty(true).build();
        var raw = rawLog(config);
        assertTrue(raw.stream().allMatch(l -> LOG_LINE.matcher(l).matches() && l.contains(" stdout ")), raw.toString());
        assertEquals(List.of("stdout-is-a-tty", "to-stderr"), Logs.text(Pods.log(pod, config)).stream()
                .map(l -> l.replace("\r", "")).toList(), "a terminal merges both streams (with CRLF line ends)");
    }

    @Test
    void aLogPathOutsideThePodsLogDirectoryIsRefused() {
        org.junit.jupiter.api.Assumptions.assumeFalse(Target.external(), "jcri's own check; the kubelet never sends such paths");
        pod = Pods.config("escape").build();
        var podId = Pods.run(cri, pod);
        pods.add(podId);
        var outside = Path.of(pod.getLogDirectory()).getParent().resolve("critest-escaped-" + ProcessHandle.current().pid() + ".log");
        for (var logPath : List.of("../" + outside.getFileName(), outside.toString())) {
            var e = assertThrows(StatusRuntimeException.class, () -> Pods.create(cri, podId, pod,
                    Pods.shell(cri, "escape", "true").setLogPath(logPath).build()));
            assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode(), e.getStatus().toString());
            assertTrue(e.getStatus().getDescription().contains("log_path"), e.getStatus().toString());
        }
        assertFalse(Files.exists(outside), outside + " created");
    }

    @Test
    void anEnvOverTheBoundIsRefusedAtOnce() {
        org.junit.jupiter.api.Assumptions.assumeFalse(Target.external(), "jcri's bound; runc takes over 30 s to start such a container");
        pod = Pods.config("env-bound").build();
        var podId = Pods.run(cri, pod);
        pods.add(podId);
        var config = Pods.shell(cri, "env-bound", "true");
        for (int i = 0; i < 100_000; i++) {
            config.addEnvs(KeyValue.newBuilder().setKey("V" + i).setValue("value " + i));
        }
        long t0 = System.nanoTime();
        var e = assertThrows(StatusRuntimeException.class, () -> Pods.create(cri, podId, pod, config.build()));
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode(), e.getStatus().toString());
        assertEquals("env has 100000 entries; at most 65536 are accepted", e.getStatus().getDescription());
        assertTrue(ms < 10_000, "answered after " + ms + " ms");
    }

    @Test
    void aThousandEnvEntriesReachTheProcess() throws Exception {
        var config = Pods.shell(cri, "env-thousand", "echo \"$V0 $V999\"; env | grep -c '^V[0-9]*='");
        for (int i = 0; i < 1000; i++) {
            config.addEnvs(KeyValue.newBuilder().setKey("V" + i).setValue("value " + i));
        }
        assertEquals(List.of("value 0 value 999", "1000"), output(config.build()));
    }

    @Test
    void longLinesAreLoggedAsPartialEntriesEndedByAFullOne() throws Exception {
        var raw = rawLog(Pods.shell(cri, "long", "head -c 40000 /dev/zero | tr '\\0' x; echo; echo short").build());
        var entries = raw.stream().map(LOG_LINE::matcher).peek(m -> assertTrue(m.matches(), m.toString())).toList();
        var last = entries.getLast();
        assertEquals("F", last.group(3));
        assertEquals("short", last.group(4));
        var longLine = entries.subList(0, entries.size() - 1);
        assertTrue(longLine.size() > 1, "a 40000-character line is split: " + longLine.size() + " entries");
        assertTrue(longLine.subList(0, longLine.size() - 1).stream().allMatch(m -> m.group(3).equals("P")), raw.toString());
        assertEquals("F", longLine.getLast().group(3));
        assertEquals("x".repeat(40000), String.join("", longLine.stream().map(m -> m.group(4)).toList()), "nothing lost or added");
        var times = entries.stream().map(m -> OffsetDateTime.parse(m.group(1))).toList();
        for (int i = 1; i < times.size(); i++) {
            assertFalse(times.get(i).isBefore(times.get(i - 1)), "timestamps never go back: " + times);
        }
    }
}
