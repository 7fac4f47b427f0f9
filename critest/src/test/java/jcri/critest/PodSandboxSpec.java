package jcri.critest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import jcri.api.v1.DNSConfig;
import jcri.api.v1.LinuxPodSandboxConfig;
import jcri.api.v1.LinuxSandboxSecurityContext;
import jcri.api.v1.ListPodSandboxRequest;
import jcri.api.v1.NamespaceMode;
import jcri.api.v1.NamespaceOption;
import jcri.api.v1.PodSandboxFilter;
import jcri.api.v1.PodSandboxState;
import jcri.api.v1.PodSandboxStateValue;
import jcri.api.v1.PodSandboxStatusRequest;
import jcri.api.v1.RemovePodSandboxRequest;
import jcri.api.v1.RunPodSandboxRequest;
import jcri.api.v1.StopPodSandboxRequest;
import org.junit.jupiter.api.Test;

/** critest "pod sandbox", "networking" (DNS, hostname) and "idempotence". */
class PodSandboxSpec {
    private final CriClient cri = Target.client();

    private jcri.api.v1.PodSandboxStatus status(String id) {
        return cri.runtime().podSandboxStatus(PodSandboxStatusRequest.newBuilder().setPodSandboxId(id).build()).getStatus();
    }

    @Test
    void runStatusListStopRemove() {
        var config = Pods.config("basic").putLabels("app", "basic-" + System.nanoTime()).build();
        var id = Pods.run(cri, config);
        var status = status(id);
        assertEquals(PodSandboxState.SANDBOX_READY, status.getState());
        assertEquals(config.getMetadata(), status.getMetadata());
        assertTrue(status.getNetwork().getIp().startsWith(TestNetwork.SUBNET_PREFIX), status.getNetwork().getIp());
        if (!Target.external()) {
            assertEquals("runc", status.getRuntimeHandler(), "jcri names its default handler; containerd 1.6 leaves it empty");
        }
        var byLabel = cri.runtime().listPodSandbox(ListPodSandboxRequest.newBuilder().setFilter(PodSandboxFilter.newBuilder()
                .putAllLabelSelector(config.getLabelsMap())).build()).getItemsList();
        assertEquals(1, byLabel.size());
        assertEquals(id, byLabel.getFirst().getId());
        var byPrefix = cri.runtime().listPodSandbox(ListPodSandboxRequest.newBuilder().setFilter(PodSandboxFilter.newBuilder()
                .setId(id.substring(0, 12))).build()).getItemsList();
        assertEquals(1, byPrefix.size());
        cri.runtime().stopPodSandbox(StopPodSandboxRequest.newBuilder().setPodSandboxId(id).build());
        assertEquals(PodSandboxState.SANDBOX_NOTREADY, status(id).getState());
        var ready = cri.runtime().listPodSandbox(ListPodSandboxRequest.newBuilder().setFilter(PodSandboxFilter.newBuilder()
                .setId(id).setState(PodSandboxStateValue.newBuilder().setState(PodSandboxState.SANDBOX_READY))).build());
        assertEquals(0, ready.getItemsCount());
        cri.runtime().removePodSandbox(RemovePodSandboxRequest.newBuilder().setPodSandboxId(id).build());
        var e = assertThrows(StatusRuntimeException.class, () -> status(id));
        assertEquals(Status.Code.NOT_FOUND, e.getStatus().getCode());
    }

    @Test
    void stopAndRemoveAreIdempotent() {
        var id = Pods.run(cri, Pods.config("idem").build());
        for (int i = 0; i < 2; i++) {
            cri.runtime().stopPodSandbox(StopPodSandboxRequest.newBuilder().setPodSandboxId(id).build());
        }
        for (int i = 0; i < 2; i++) {
            cri.runtime().removePodSandbox(RemovePodSandboxRequest.newBuilder().setPodSandboxId(id).build());
        }
        try {
            cri.runtime().stopPodSandbox(StopPodSandboxRequest.newBuilder().setPodSandboxId("0".repeat(64)).build());
        } catch (StatusRuntimeException e) {
            assertTrue(Target.external(), "jcri stops an id it never saw without error: " + e.getStatus());
            assertEquals(Status.Code.NOT_FOUND, e.getStatus().getCode(), "containerd 1.6: NOT_FOUND for a pod it never had");
        }
        cri.runtime().removePodSandbox(RemovePodSandboxRequest.newBuilder().setPodSandboxId("0".repeat(64)).build());
    }

    @Test
    void concurrentRunsWithTheSameNameGiveOneSandbox() throws Exception {
        var config = Pods.config("same-name").build();
        var outcomes = new ArrayList<String>();
        try (var pool = Executors.newFixedThreadPool(4)) {
            var tasks = new ArrayList<Callable<String>>();
            for (int i = 0; i < 4; i++) {
                tasks.add(() -> {
                    try {
                        return "ok:" + Pods.run(cri, config);
                    } catch (StatusRuntimeException e) {
                        return e.getStatus().getCode().name();
                    }
                });
            }
            for (var f : pool.invokeAll(tasks)) {
                outcomes.add(f.get());
            }
        }
        var ok = outcomes.stream().filter(o -> o.startsWith("ok:")).toList();
        assertEquals(1, ok.size(), outcomes.toString());
        if (!Target.external()) {
            assertEquals(3, outcomes.stream().filter(o -> o.equals("ALREADY_EXISTS")).count(), outcomes.toString());
        }
        Pods.destroy(cri, ok.getFirst().substring(3));
        var again = Pods.run(cri, config);
        Pods.destroy(cri, again);
    }

    @Test
    void badRequestsAreRejectedClearly() {
        var handler = assertThrows(StatusRuntimeException.class, () -> cri.runtime().runPodSandbox(RunPodSandboxRequest.newBuilder()
                .setConfig(Pods.config("handler")).setRuntimeHandler("no-such-runtime").build()));
        Target.assertJcriCode(Status.Code.INVALID_ARGUMENT, handler);
        assertTrue(handler.getStatus().getDescription().contains("no-such-runtime"));
        if (!Target.external()) { // containerd 1.6 runs both pods: the kubelet filters unsafe sysctls and validates names itself
            var sysctl = assertThrows(StatusRuntimeException.class, () -> Pods.run(cri, Pods.config("sysctl")
                    .setLinux(LinuxPodSandboxConfig.newBuilder().putSysctls("kernel.panic", "1")).build()));
            assertEquals(Status.Code.INVALID_ARGUMENT, sysctl.getStatus().getCode());
            assertTrue(sysctl.getStatus().getDescription().contains("kernel.panic"));
            for (var bad : List.of("net.core.no_such_knob", "net/../kernel/panic")) {
                var unknown = assertThrows(StatusRuntimeException.class, () -> Pods.run(cri, Pods.config("sysctl-bad")
                        .setLinux(LinuxPodSandboxConfig.newBuilder().putSysctls(bad, "1")).build()));
                assertEquals(Status.Code.INVALID_ARGUMENT, unknown.getStatus().getCode(), bad + " is refused at RunPodSandbox");
            }
            var metadata = assertThrows(StatusRuntimeException.class, () -> Pods.run(cri, Pods.config("").build()));
            assertEquals(Status.Code.INVALID_ARGUMENT, metadata.getStatus().getCode());
            var hostname = assertThrows(StatusRuntimeException.class, () -> Pods.run(cri, Pods.config("host").setHostname("-rf").build()));
            assertEquals(Status.Code.INVALID_ARGUMENT, hostname.getStatus().getCode(), "not taken for an option of a tool");
            var port = assertThrows(StatusRuntimeException.class, () -> Pods.run(cri, Pods.config("port")
                    .addPortMappings(jcri.api.v1.PortMapping.newBuilder().setContainerPort(0).setHostPort(8080)).build()));
            assertEquals(Status.Code.INVALID_ARGUMENT, port.getStatus().getCode());
            assertTrue(port.getStatus().getDescription().contains("container_port"), port.getStatus().toString());
            var annotations = assertThrows(StatusRuntimeException.class, () -> Pods.run(cri, Pods.config("annotations")
                    .putAnnotations("example.com/big", "a".repeat(2 << 20)).build()));
            assertEquals(Status.Code.INVALID_ARGUMENT, annotations.getStatus().getCode());
            assertEquals("pod annotations hold 2097167 bytes of keys and values; at most 1048576 are accepted",
                    annotations.getStatus().getDescription());
        }
    }

    @Test
    void hostnameDnsAndSysctlsReachTheContainers() throws Exception {
        var pod = Pods.config("dns").setHostname("dns-test-host")
                .setDnsConfig(DNSConfig.newBuilder().addServers("10.0.0.10").addSearches("critest.svc.local").addOptions("ndots:5"))
                .setLinux(LinuxPodSandboxConfig.newBuilder().putSysctls("net.ipv4.ip_unprivileged_port_start", "1")
                        .putSysctls("kernel.shm_rmid_forced", "1"))
                .build();
        var podId = Pods.run(cri, pod);
        try {
            var config = Pods.shell(cri, "dns", "hostname; cat /etc/hostname; cat /etc/resolv.conf; grep dns-test-host /etc/hosts;"
                    + " cat /proc/sys/net/ipv4/ip_unprivileged_port_start /proc/sys/kernel/shm_rmid_forced").build();
            var id = Pods.start(cri, podId, pod, config);
            var out = Logs.afterExit(cri, id, Pods.log(pod, config));
            assertEquals("dns-test-host", out.get(0));
            assertEquals("dns-test-host", out.get(1));
            assertTrue(out.contains("nameserver 10.0.0.10"), out.toString());
            assertTrue(out.contains("search critest.svc.local"), out.toString());
            assertTrue(out.contains("options ndots:5"), out.toString());
            if (!Target.external()) {
                assertTrue(out.stream().anyMatch(l -> l.startsWith(status(podId).getNetwork().getIp()) && l.endsWith("dns-test-host")),
                        "jcri writes the pod's /etc/hosts line itself (containerd 1.6 leaves that to the kubelet): " + out);
            }
            assertEquals("1", out.get(out.size() - 2));
            assertEquals("1", out.getLast());
        } finally {
            Pods.destroy(cri, podId);
        }
    }

    @Test
    void hostNetworkPodsShareTheNodeNetworkAndGetNoPodIp() throws Exception {
        var pod = Pods.config("hostnet").setLinux(LinuxPodSandboxConfig.newBuilder().setSecurityContext(
                LinuxSandboxSecurityContext.newBuilder().setNamespaceOptions(NamespaceOption.newBuilder()
                        .setNetwork(NamespaceMode.NODE)))).build();
        var podId = Pods.run(cri, pod);
        try {
            assertEquals("", status(podId).getNetwork().getIp());
            var config = Pods.shell(cri, "hostnet", "readlink /proc/self/ns/net; hostname").build();
            var id = Pods.start(cri, podId, pod, config);
            var out = Logs.afterExit(cri, id, Pods.log(pod, config));
            assertEquals(java.nio.file.Files.readSymbolicLink(java.nio.file.Path.of("/proc/self/ns/net")).toString(), out.get(0));
            assertEquals(java.nio.file.Files.readString(java.nio.file.Path.of("/proc/sys/kernel/hostname")).strip(), out.get(1));
        } finally {
            Pods.destroy(cri, podId);
        }
    }

    @Test
    void aPodWhosePidHolderDiedTakesNoContainersAndItsStopSparesWhoeverGotThePid() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeFalse(Target.external(), "jcri's PID-namespace holder");
        var config = Pods.config("reused-pid").setLinux(LinuxPodSandboxConfig.newBuilder().setSecurityContext(
                LinuxSandboxSecurityContext.newBuilder().setNamespaceOptions(NamespaceOption.newBuilder().setPid(NamespaceMode.POD)))).build();
        var id = Pods.run(cri, config);
        var info = cri.runtime().podSandboxStatus(PodSandboxStatusRequest.newBuilder().setPodSandboxId(id).setVerbose(true).build())
                .getInfoOrThrow("info");
        var matcher = java.util.regex.Pattern.compile("\"pidNamespaceHolder\":(\\d+)").matcher(info);
        assertTrue(matcher.find(), info);
        long holder = Long.parseLong(matcher.group(1));
        var handle = ProcessHandle.of(holder).orElseThrow();
        handle.destroyForcibly();
        handle.onExit().get(10, java.util.concurrent.TimeUnit.SECONDS);
        var stranger = HostProcesses.startWithPid(holder, "sleep", "600");
        try {
            var join = assertThrows(StatusRuntimeException.class, () -> Pods.create(cri, id, config, Pods.shell(cri, "c", "true").build()),
                    "a container would join the namespace of the process that now has pid " + holder);
            assertEquals(Status.Code.FAILED_PRECONDITION, join.getStatus().getCode(), join.getMessage());
            cri.runtime().stopPodSandbox(StopPodSandboxRequest.newBuilder().setPodSandboxId(id).build());
            assertTrue(stranger.isAlive(), "the process that now has pid " + holder + " is not the pod's");
        } finally {
            stranger.destroyForcibly();
            cri.runtime().removePodSandbox(RemovePodSandboxRequest.newBuilder().setPodSandboxId(id).build());
        }
    }
}
