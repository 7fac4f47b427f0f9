package jcri.critest.kubelet;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import jcri.api.v1.ContainerState;
import jcri.api.v1.ListContainersRequest;
import jcri.api.v1.ListPodSandboxRequest;
import jcri.api.v1.PodSandbox;
import jcri.api.v1.PodSandboxState;
import jcri.critest.CriClient;
import jcri.critest.JcridProcess;
import jcri.critest.Leaks;
import jcri.critest.Pods;
import jcri.critest.Scratch;
import jcri.critest.Target;
import jcri.critest.TestNetwork;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * One Kubernetes node for a spec class ({@code @RegisterExtension static}): a jcrid of its own on the test CNI
 * network and a {@link KubeletProcess} of the spec's {@link KubeletVersion} on it. Specs run static pods by writing manifests (atomically) and
 * read their status from the kubelet. After each test every manifest is removed and the node waits until the kubelet
 * has stopped their pods; after the class the kubelet is stopped, the kernel settings it changed are put back, the
 * pods it had not yet collected are removed, jcri must hold nothing of them ({@link Leaks}), the kubelet must have
 * logged no jcri error but known-harmless ones, and jcrid is stopped. A failed test prints both logs; both are kept
 * under {@code target/kubelet-logs/<spec class>/}.
 */
public final class KubeletNode implements BeforeAllCallback, AfterEachCallback, AfterAllCallback, TestWatcher {
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(60);
    /**
     * jcri errors the kubelet logs that are no fault of jcri's: calls while a spec has jcrid down, exec probes that
     * race their container's stop when a pod goes (containerd and CRI-O refuse those too, with the same log lines),
     * and the status of a container the kubelet's own garbage collection or container deleter removed a moment before
     * another of its loops asked (NotFound is the answer the kubelet expects; it logs it for every runtime, from
     * whichever loop asked).
     */
    private static final Pattern HARMLESS = Pattern.compile("code = Unavailable|(ExecSync cmd from runtime service failed"
            + "|Probe errored)\" err=\"rpc error: code = FailedPrecondition desc = (container [0-9a-f]{64} is not running "
            + "|cannot run the command: exec failed: cannot exec in a stopped container)"
            + "|ContainerStatus[^\"]*\" (containerID=\"[0-9a-f]{64}\" )?err=\"rpc error: code = NotFound desc = container [0-9a-f]{64} not found"
            + "|DeleteContainer returned error.*code = NotFound");
    private final KubeletVersion version;
    private final String kubeletConfig;
    private KernelTunables tunables;
    private JcridProcess jcrid;
    private KubeletProcess kubelet;
    private CriClient cri;

    /**
     * A node whose kubelet is of {@code version} and gets {@code kubeletConfig} (KubeletConfiguration lines) beside the
     * harness's own and its version's.
     */
    public KubeletNode(KubeletVersion version, String kubeletConfig) {
        this.version = version;
        this.kubeletConfig = kubeletConfig;
    }

    /** A node with kubelet v1.26 and {@code kubeletConfig}. */
    public KubeletNode(String kubeletConfig) {
        this(KubeletVersion.V1_26, kubeletConfig);
    }

    public KubeletNode() {
        this("");
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        Assumptions.assumeFalse(Target.external(), "the kubelet gets a jcrid of its own");
        var dir = Scratch.dir("critest-kubelet-");
        TestNetwork.forExtraDaemon(dir.resolve("jcrid/net.d"), dir.resolve("jcrid/ipam"));
        jcrid = JcridProcess.start(dir.resolve("jcrid"), "");
        Scratch.stopAtExit(jcrid);
        cri = new CriClient(jcrid.endpoint());
        tunables = KernelTunables.save();
        kubelet = KubeletProcess.start(dir.resolve("kubelet"), jcrid.endpoint(), version, kubeletConfig);
        Scratch.stopAtExit(kubelet);
    }

    /** The test busybox image (with httpd and nc), pushed to the suite's registry; the kubelet pulls it through jcri. */
    public String busybox() {
        return Pods.busyboxReference();
    }

    public CriClient cri() {
        return cri;
    }

    public JcridProcess jcrid() {
        return jcrid;
    }

    /** Replaces the running jcrid (after a crash) with a new one on the same directory and socket. */
    public void restartJcrid() throws IOException, InterruptedException {
        jcrid = JcridProcess.start(jcrid.dir(), "");
        Scratch.stopAtExit(jcrid);
    }

    public KubeletProcess kubelet() {
        return kubelet;
    }

    /** Writes (or replaces) the static pod manifest {@code name}.yaml, atomically as a node's tooling does. */
    private void apply(String name, String manifest) throws IOException {
        var temporary = kubelet.manifests().resolve("." + name + ".yaml.tmp"); // the kubelet ignores dot files
        Files.writeString(temporary, manifest);
        Files.move(temporary, kubelet.manifests().resolve(name + ".yaml"), StandardCopyOption.ATOMIC_MOVE);
    }

    /**
     * Runs static pod {@code name}: a manifest with {@code spec} (the pod spec's fields, YAML, indented by two spaces,
     * {@code BUSYBOX} standing for the test image) and a one-second termination grace period, so pods go fast.
     */
    public void run(String name, String spec) throws IOException {
        apply(name, """
                apiVersion: v1
                kind: Pod
                metadata: {name: %s}
                spec:
                  terminationGracePeriodSeconds: 1
                """.formatted(name) + spec.replace("BUSYBOX", busybox()));
    }

    /**
     * The pod spec lines of one busybox container {@code main} running {@code sh -c script}; more of its fields may
     * follow, indented by four spaces, then more of the pod's, by two.
     */
    public static String main(String script) {
        return main("BUSYBOX", script);
    }

    /** The pod spec lines of one container {@code main} of {@code image} running {@code sh -c script}, as {@link #main(String)}. */
    public static String main(String image, String script) {
        try {
            return "  containers:\n  - name: main\n    image: " + image + "\n    command: [sh, -c, "
                    + new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(script) + "]\n";
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException(e);
        }
    }

    /** Container {@code container}'s log file under /var/log/pods for restart {@code restart}, as the kubelet names it. */
    public static Path log(KubeletPod pod, String container, int restart) {
        return Path.of("/var/log/pods", "default_" + pod.json().path("metadata").path("name").asText() + "_" + pod.uid(),
                container, restart + ".log");
    }

    /** The pod name the kubelet gives manifest {@code name}'s static pod. */
    public static String podName(String name) {
        return name + "-" + KubeletProcess.NODE;
    }

    /** The pod of manifest {@code name} as the kubelet reports it now, if it has one. */
    public Optional<KubeletPod> pod(String name) throws IOException, InterruptedException {
        return kubelet.endpoints().pod(podName(name));
    }

    /** Waits until the kubelet reports pod {@code name} such that {@code done}; fails with its status after {@code timeout}. */
    public KubeletPod await(String name, Predicate<KubeletPod> done, String what, Duration timeout)
            throws IOException, InterruptedException {
        return kubelet.endpoints().await(podName(name), done, what, timeout);
    }

    /** Removes manifest {@code name} and waits until the kubelet has stopped its pod. */
    public void delete(String name) throws IOException, InterruptedException {
        Files.deleteIfExists(kubelet.manifests().resolve(name + ".yaml"));
        awaitUntil(() -> pod(name).isEmpty() && stopped(name), "pod " + name + " stopped", STOP_TIMEOUT);
    }

    /** Nothing of manifest {@code name}'s pod runs in jcri: every sandbox not ready, every container exited. */
    private boolean stopped(String name) {
        var sandboxes = sandboxes(name);
        var ids = sandboxes.stream().map(PodSandbox::getId).toList();
        return sandboxes.stream().allMatch(p -> p.getState() == PodSandboxState.SANDBOX_NOTREADY)
                && cri.runtime().listContainers(ListContainersRequest.getDefaultInstance()).getContainersList().stream()
                .filter(c -> ids.contains(c.getPodSandboxId())).allMatch(c -> c.getState() == ContainerState.CONTAINER_EXITED);
    }

    /** Waits until jcri has no sandbox of manifest {@code name}'s pod left (the kubelet removes them in its garbage collection). */
    public void awaitRemoved(String name, Duration timeout) throws IOException, InterruptedException {
        awaitUntil(() -> sandboxes(name).isEmpty(), "pod " + name + " removed from jcri", timeout);
    }

    /** jcri's sandboxes of manifest {@code name}'s pod. */
    public List<PodSandbox> sandboxes(String name) {
        return cri.runtime().listPodSandbox(ListPodSandboxRequest.getDefaultInstance()).getItemsList().stream()
                .filter(p -> p.getMetadata().getName().equals(podName(name))).toList();
    }

    /** Waits until the kubelet has logged a line about manifest {@code name}'s pod containing {@code text}; returns it. */
    public String awaitLogged(String name, String text, Duration timeout) throws IOException, InterruptedException {
        var pod = "pod=\"default/" + podName(name) + "\"";
        awaitUntil(() -> logged(pod, text).isPresent(), "the kubelet's log line on " + name + " with '" + text + "'", timeout);
        return logged(pod, text).orElseThrow();
    }

    private Optional<String> logged(String pod, String text) throws IOException {
        return kubelet.log().lines().filter(l -> l.contains(pod) && l.contains(text)).findFirst();
    }

    private interface Condition {
        boolean holds() throws IOException, InterruptedException;
    }

    private static void awaitUntil(Condition condition, String what, Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.holds()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(what + ": not within " + timeout);
            }
            Thread.sleep(200);
        }
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        List<String> names;
        try (var manifests = Files.list(kubelet.manifests())) {
            names = manifests.map(m -> m.getFileName().toString()).filter(n -> n.endsWith(".yaml"))
                    .map(n -> n.substring(0, n.length() - ".yaml".length())).toList();
        }
        for (var name : names) {
            delete(name);
        }
    }

    /**
     * Stops the kubelet and puts back the kernel settings it changed, removes the pods it stopped but had not yet
     * collected (its garbage collection runs once a minute), stops jcrid, removes the kubelet's QoS cgroups, keeps both
     * logs, and fails on anything jcri leaked or any jcri error the kubelet logged that is not known to be harmless.
     */
    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        if (kubelet != null) {
            kubelet.close();
        }
        if (tunables != null) {
            tunables.restore();
        }
        if (cri == null) {
            return;
        }
        for (var pod : cri.runtime().listPodSandbox(ListPodSandboxRequest.getDefaultInstance()).getItemsList()) {
            Pods.destroy(cri, pod.getId());
            removeLogs(pod);
        }
        var leaks = Leaks.find(cri, jcrid.dir(), "kubepods");
        cri.close();
        jcrid.close();
        KubeletProcess.removeCgroups();
        var kubeletLog = kubelet == null ? "" : kubelet.log();
        keepLogs(context.getRequiredTestClass().getSimpleName(), kubeletLog);
        assertEquals(List.of(), leaks, "jcri holds nothing of the pods it ran");
        assertEquals(List.of(), jcriErrors(kubeletLog), "jcri's errors the kubelet logged");
    }

    /** The lines of a kubelet's log with an error from the runtime that is not known to be harmless. */
    public static List<String> jcriErrors(String kubeletLog) {
        return kubeletLog.lines().filter(l -> l.contains("rpc error: code = ") && !HARMLESS.matcher(l).find()).toList();
    }

    /**
     * Removes what the kubelet keeps of {@code pod}'s logs, as its garbage collection would have: the pod's directory
     * under /var/log/pods and the links to it in /var/log/containers (a later kubelet would find them dangling).
     */
    private static void removeLogs(PodSandbox pod) throws IOException {
        var metadata = pod.getMetadata();
        var logs = Path.of("/var/log/pods", metadata.getNamespace() + "_" + metadata.getName() + "_" + metadata.getUid());
        try (var links = Files.list(Path.of("/var/log/containers"))) { // the kubelet made it at start
            for (var link : links.filter(Files::isSymbolicLink).toList()) {
                if (Files.readSymbolicLink(link).startsWith(logs)) {
                    Files.delete(link);
                }
            }
        }
        if (Files.exists(logs)) {
            try (var tree = Files.walk(logs)) {
                for (var path : tree.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.delete(path);
                }
            }
        }
    }

    /** Copies both logs to {@code target/kubelet-logs/<spec class>/} (the scratch dir goes when the JVM exits). */
    private void keepLogs(String spec, String kubeletLog) throws IOException {
        var kept = Files.createDirectories(Path.of("target/kubelet-logs", spec));
        Files.writeString(kept.resolve("kubelet.log"), kubeletLog);
        Files.writeString(kept.resolve("jcrid.log"), jcrid.log());
    }

    @Override
    public void testFailed(ExtensionContext context, Throwable cause) {
        if (kubelet == null) {
            return; // beforeAll failed, and says why
        }
        try {
            var lines = kubelet.log().lines().toList();
            System.err.println("---- kubelet log, last 150 of " + lines.size() + " lines:");
            lines.subList(Math.max(0, lines.size() - 150), lines.size()).forEach(System.err::println);
            System.err.println("---- jcrid warnings and errors:");
            jcrid.log().lines().filter(l -> l.contains("level=warn") || l.contains("level=error")).forEach(System.err::println);
        } catch (IOException e) {
            System.err.println("cannot read the logs: " + e);
        }
    }
}
