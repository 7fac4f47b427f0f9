package jcri.runtime.cri;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import jcri.api.testing.Recorder;
import jcri.api.v1.LinuxContainerResources;
import jcri.api.v1.LinuxPodSandboxConfig;
import jcri.api.v1.ListPodSandboxRequest;
import jcri.api.v1.ListPodSandboxResponse;
import jcri.api.v1.PodSandboxConfig;
import jcri.api.v1.PodSandboxFilter;
import jcri.api.v1.PodSandboxMetadata;
import jcri.api.v1.PodSandboxState;
import jcri.api.v1.PodSandboxStateValue;
import jcri.api.v1.PodSandboxStatusRequest;
import jcri.api.v1.PodSandboxStatusResponse;
import jcri.api.v1.RemovePodSandboxRequest;
import jcri.api.v1.RemovePodSandboxResponse;
import jcri.api.v1.RunPodSandboxRequest;
import jcri.api.v1.RunPodSandboxResponse;
import jcri.api.v1.StopPodSandboxRequest;
import jcri.api.v1.StopPodSandboxResponse;
import jcri.api.v1.StreamPodSandboxesRequest;
import jcri.api.v1.StreamPodSandboxesResponse;
import jcri.api.v1.UpdatePodSandboxResourcesRequest;
import jcri.api.v1.UpdatePodSandboxResourcesResponse;
import jcri.runtime.cgroup.CgroupfsDriver;
import jcri.runtime.cgroup.PodCgroup;
import jcri.runtime.container.PodContainers;
import jcri.runtime.network.Cni;
import jcri.runtime.pod.PodTeardown;
import jcri.runtime.sandbox.NamespacePinner;
import jcri.runtime.sandbox.PidNamespaceHolder;
import jcri.runtime.sandbox.PodFilesWriter;
import jcri.runtime.sandbox.SandboxManager;
import jcri.runtime.sandbox.SandboxRecord;
import jcri.steps.Steps;
import jcri.store.JsonStore;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pod handlers over a real {@link SandboxManager} in a temp dir, its pods recorded as a restart finds
 * them; only the containers side is a fake. What needs namespaces (a pod that actually runs) is critest's.
 */
class PodSandboxHandlerTest {
    private static final String READY = "1a".repeat(32);
    private static final String STOPPED = "2b".repeat(32);

    @TempDir
    Path tmp;
    private final List<String> containerCalls = new ArrayList<>();
    private SandboxManager sandboxes;
    private PodSandboxHandler handler;

    /** The containers side, recording what it is asked and whether the pod was still ready then. */
    private final class FakeContainers implements PodContainers {
        @Override
        public void stopAll(String podId, long timeoutSeconds) {
            containerCalls.add("stopAll " + podId + " " + timeoutSeconds + " ready=" + sandboxes.get(podId).ready());
        }

        @Override
        public void removeAll(String podId) {
            containerCalls.add("removeAll " + podId);
        }
    }

    private static PodSandboxConfig config(String name, Map<String, String> labels, String cgroupParent) {
        return PodSandboxConfig.newBuilder()
                .setMetadata(PodSandboxMetadata.newBuilder().setName(name).setNamespace("default").setUid("uid-" + name))
                .putAllLabels(labels)
                .putAnnotations("note", name)
                .setLinux(LinuxPodSandboxConfig.newBuilder().setCgroupParent(cgroupParent))
                .build();
    }

    @BeforeEach
    void setUp() throws IOException {
        var store = new JsonStore<>(tmp.resolve("state/sandboxes"), SandboxRecord.class);
        store.put(READY, new SandboxRecord(READY, config("web", Map.of("app", "web"), "").toByteArray(), true, 1_000L, "runc",
                List.of("10.88.0.2", "fd00::2"), "/run/netns/x", "/run/ipc/x", "/run/uts/x", "/jcri", 0));
        store.put(STOPPED, new SandboxRecord(STOPPED, config("db", Map.of("app", "db"), "/kubepods/pod-db").toByteArray(), false, 2_000L,
                "runc", List.of(), "", "", "", "/kubepods/pod-db", 0));
        var cgroupRoot = Files.createDirectories(tmp.resolve("cgroup"));
        Files.writeString(cgroupRoot.resolve("cgroup.controllers"), "cpu memory");
        Files.createDirectories(cgroupRoot.resolve("kubepods/pod-db"));
        sandboxes = new SandboxManager(
                new SandboxManager.Settings(tmp.resolve("state"), Set.of("runc"), "runc", "/jcri", Set.of()), store,
                new NamespacePinner(), new PodFilesWriter(),
                new Cni(tmp.resolve("net.d"), List.of(tmp.resolve("bin")), tmp.resolve("state/cni")),
                new PidNamespaceHolder(tmp.resolve("no-tini")), new PodCgroup(cgroupRoot, new CgroupfsDriver()),
                new Steps(new SimpleMeterRegistry(), ""));
        sandboxes.recover(); // as jcrid starts: the recorded pods come back
        handler = new PodSandboxHandler(sandboxes, new PodTeardown(sandboxes, new FakeContainers(), 7));
    }

    private Recorder<RunPodSandboxResponse> run(PodSandboxConfig config, String runtimeHandler) {
        var r = new Recorder<RunPodSandboxResponse>();
        handler.runPodSandbox(RunPodSandboxRequest.newBuilder().setConfig(config).setRuntimeHandler(runtimeHandler).build(), r);
        return r;
    }

    private PodSandboxStatusResponse status(String id, boolean verbose) {
        var r = new Recorder<PodSandboxStatusResponse>();
        handler.podSandboxStatus(PodSandboxStatusRequest.newBuilder().setPodSandboxId(id).setVerbose(verbose).build(), r);
        return r.single();
    }

    private List<String> list(PodSandboxFilter filter) {
        var r = new Recorder<ListPodSandboxResponse>();
        handler.listPodSandbox(ListPodSandboxRequest.newBuilder().setFilter(filter).build(), r);
        return r.single().getItemsList().stream().map(p -> p.getId()).sorted().toList();
    }

    @Test
    void runRefusesIncompleteMetadata() {
        var config = config("web2", Map.of(), "").toBuilder()
                .setMetadata(PodSandboxMetadata.newBuilder().setName("web2").setUid("u")).build();
        run(config, "").assertFailed(Status.Code.INVALID_ARGUMENT,
                "pod metadata needs name, namespace and uid (got name 'web2', namespace '', uid 'u')");
    }

    @Test
    void runRefusesAnUnknownRuntimeHandler() {
        run(config("web2", Map.of(), ""), "kata").assertFailed(Status.Code.INVALID_ARGUMENT,
                "unknown runtime handler 'kata' (configured: [runc])");
    }

    @Test
    void runRefusesAHostnameTheKernelWouldNot() {
        run(config("web2", Map.of(), "").toBuilder().setHostname("-bad host").build(), "").assertFailed(Status.Code.INVALID_ARGUMENT,
                "hostname '-bad host' is not a valid host name (1 to 64 letters, digits, '.', '-' or '_', starting with a letter or digit)");
    }

    @Test
    void aPodNameFoundAgainAfterARestartStaysReserved() {
        run(config("web", Map.of(), "").toBuilder().setHostname("web").build(), "runc").assertFailed(Status.Code.ALREADY_EXISTS,
                "pod name web_default_uid-web_0 is reserved by pod " + READY);
    }

    @Test
    void statusOfAnUnknownPodIsNotFound() {
        var r = new Recorder<PodSandboxStatusResponse>();
        handler.podSandboxStatus(PodSandboxStatusRequest.newBuilder().setPodSandboxId("ffff").build(), r);
        r.assertFailed(Status.Code.NOT_FOUND, "pod sandbox ffff not found");
    }

    @Test
    void statusByIdPrefixCarriesStateIpsLabelsAndHandler() {
        var status = status(READY.substring(0, 6), false).getStatus();
        assertEquals(READY, status.getId());
        assertEquals(PodSandboxState.SANDBOX_READY, status.getState());
        assertEquals("10.88.0.2", status.getNetwork().getIp());
        assertEquals(List.of("fd00::2"), status.getNetwork().getAdditionalIpsList().stream().map(ip -> ip.getIp()).toList());
        assertEquals(Map.of("app", "web"), status.getLabelsMap());
        assertEquals(Map.of("note", "web"), status.getAnnotationsMap());
        assertEquals("web", status.getMetadata().getName());
        assertEquals(1_000L, status.getCreatedAt());
        assertEquals("runc", status.getRuntimeHandler());
        assertEquals(PodSandboxState.SANDBOX_NOTREADY, status(STOPPED, false).getStatus().getState());
    }

    @Test
    void verboseStatusNamesTheNamespacesAndCgroupAsJson() throws Exception {
        assertTrue(status(READY, false).getInfoMap().isEmpty());
        var info = new com.fasterxml.jackson.databind.ObjectMapper().readTree(status(READY, true).getInfoOrThrow("info"));
        assertEquals("/run/netns/x", info.path("netns").asText());
        assertEquals("/jcri", info.path("cgroupParent").asText());
        assertEquals(0, info.path("pidNamespaceHolder").asLong());
    }

    @Test
    void listFiltersByIdPrefixStateAndLabels() {
        assertEquals(List.of(READY, STOPPED), list(PodSandboxFilter.getDefaultInstance()));
        assertEquals(List.of(STOPPED), list(PodSandboxFilter.newBuilder().setId("2b2b").build()));
        assertEquals(List.of(READY), list(PodSandboxFilter.newBuilder()
                .setState(PodSandboxStateValue.newBuilder().setState(PodSandboxState.SANDBOX_READY)).build()));
        assertEquals(List.of(STOPPED), list(PodSandboxFilter.newBuilder().putLabelSelector("app", "db").build()));
        assertEquals(List.of(), list(PodSandboxFilter.newBuilder().putLabelSelector("app", "db")
                .setState(PodSandboxStateValue.newBuilder().setState(PodSandboxState.SANDBOX_READY)).build()));
    }

    @Test
    void streamSendsWhatListWould() {
        var r = new Recorder<StreamPodSandboxesResponse>();
        handler.streamPodSandboxes(StreamPodSandboxesRequest.newBuilder()
                .setFilter(PodSandboxFilter.newBuilder().putLabelSelector("app", "web")).build(), r);
        assertTrue(r.completed());
        assertEquals(List.of(READY), r.values().stream().flatMap(b -> b.getPodSandboxesList().stream()).map(p -> p.getId()).toList());
    }

    @Test
    void stopStopsTheContainersWithTheGracePeriodFirstThenMarksThePodNotReady() throws IOException {
        var r = new Recorder<StopPodSandboxResponse>();
        handler.stopPodSandbox(StopPodSandboxRequest.newBuilder().setPodSandboxId(READY.substring(0, 8)).build(), r);
        r.single();
        assertEquals(List.of("stopAll " + READY + " 7 ready=true"), containerCalls);
        assertEquals(PodSandboxState.SANDBOX_NOTREADY, status(READY, false).getStatus().getState());
        assertFalse(new JsonStore<>(tmp.resolve("state/sandboxes"), SandboxRecord.class).get(READY).orElseThrow().ready(),
                "the stop is on disk");
    }

    @Test
    void stopAndRemoveOfAnUnknownPodSucceedWithoutTouchingContainers() {
        var stop = new Recorder<StopPodSandboxResponse>();
        handler.stopPodSandbox(StopPodSandboxRequest.newBuilder().setPodSandboxId("9".repeat(64)).build(), stop);
        stop.single();
        var remove = new Recorder<RemovePodSandboxResponse>();
        handler.removePodSandbox(RemovePodSandboxRequest.newBuilder().setPodSandboxId("9".repeat(64)).build(), remove);
        remove.single();
        assertEquals(List.of(), containerCalls);
    }

    @Test
    void updateResourcesOfAPodWithoutItsOwnCgroupIsAFailedPrecondition() {
        var r = new Recorder<UpdatePodSandboxResourcesResponse>();
        handler.updatePodSandboxResources(UpdatePodSandboxResourcesRequest.newBuilder().setPodSandboxId(READY)
                .setResources(LinuxContainerResources.newBuilder().setMemoryLimitInBytes(1 << 30)).build(), r);
        r.assertFailed(Status.Code.FAILED_PRECONDITION, "pod sandbox " + READY + " has no cgroup of its own (no cgroup_parent); its "
                + "containers share /jcri, which pod limits must not change");
    }

    @Test
    void updateResourcesWritesThePodLimitsPlusOverheadIntoItsCgroup() throws IOException {
        var r = new Recorder<UpdatePodSandboxResourcesResponse>();
        handler.updatePodSandboxResources(UpdatePodSandboxResourcesRequest.newBuilder().setPodSandboxId(STOPPED)
                .setOverhead(LinuxContainerResources.newBuilder().setMemoryLimitInBytes(1 << 20))
                .setResources(LinuxContainerResources.newBuilder().setMemoryLimitInBytes(1 << 30)).build(), r);
        r.single();
        assertEquals(Long.toString((1L << 30) + (1 << 20)), Files.readString(tmp.resolve("cgroup/kubepods/pod-db/memory.max")));
    }
}
