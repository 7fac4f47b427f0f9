package jcri.critest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.google.protobuf.ByteString;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCalls;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import com.google.protobuf.Message;
import jcri.api.v1.AttachRequest;
import jcri.api.v1.ContainerConfig;
import jcri.api.v1.ContainerFilter;
import jcri.api.v1.ContainerMetadata;
import jcri.api.v1.ContainerState;
import jcri.api.v1.ContainerStateValue;
import jcri.api.v1.ContainerStatsRequest;
import jcri.api.v1.ContainerStatusRequest;
import jcri.api.v1.CreateContainerRequest;
import jcri.api.v1.CriProto;
import jcri.api.v1.ExecRequest;
import jcri.api.v1.ExecSyncRequest;
import jcri.api.v1.ImageServiceGrpc;
import jcri.api.v1.ImageSpec;
import jcri.api.v1.ImageStatusRequest;
import jcri.api.v1.LinuxContainerResources;
import jcri.api.v1.LinuxPodSandboxConfig;
import jcri.api.v1.ListContainersRequest;
import jcri.api.v1.ListPodSandboxRequest;
import jcri.api.v1.PodSandboxConfig;
import jcri.api.v1.PodSandboxFilter;
import jcri.api.v1.PodSandboxState;
import jcri.api.v1.PodSandboxStateValue;
import jcri.api.v1.PodSandboxStatsRequest;
import jcri.api.v1.PodSandboxStatusRequest;
import jcri.api.v1.PortForwardRequest;
import jcri.api.v1.PullImageRequest;
import jcri.api.v1.RemoveContainerRequest;
import jcri.api.v1.RemoveImageRequest;
import jcri.api.v1.ReopenContainerLogRequest;
import jcri.api.v1.RunPodSandboxRequest;
import jcri.api.v1.RuntimeServiceGrpc;
import jcri.api.v1.StartContainerRequest;
import jcri.api.v1.StopContainerRequest;
import jcri.api.v1.UpdateContainerResourcesRequest;
import jcri.api.v1.UpdatePodSandboxResourcesRequest;
import jcri.api.v1.VersionRequest;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Every RuntimeService and ImageService call with random requests ({@link RandomRequests}) against a jcrid of its
 * own: each call answers within its deadline with a status naming the problem — never UNKNOWN, never a Java
 * programming error (NullPointerException, ArithmeticException…) — and afterwards the daemon still serves, nothing
 * leaks once its pods are removed, and no file appeared outside the directories the requests were allowed to name.
 * The suite runs a fixed seed; {@code -Dcritest.fuzz.seed=N} runs another, {@code -Dcritest.fuzz.rounds=N} sets the
 * calls per method.
 */
class RequestFuzzSpec {
    /** The suite's own seed, so a run fails only on a change; any other seed explores (a random one found an escape). */
    static final long FIXED_SEED = 20_261_123L;
    private static final long DEADLINE_SECONDS = 30;
    private static final Pattern PROGRAMMING_ERROR = Pattern.compile("^java\\.(lang|util|time)\\.\\w+(Exception|Error)\\b.*",
            Pattern.DOTALL);
    /** Reached only through a path-traversing or absolute name: it must not exist after the run. */
    private static final String ESCAPE = "/tmp/jcri-fuzz-escape-" + ProcessHandle.current().pid();
    private static final String CGROUP_PARENT = "critest-fuzz-" + ProcessHandle.current().pid();

    private final List<String> problems = new ArrayList<>();
    private final Map<String, Map<Status.Code, Integer>> codes = new TreeMap<>();
    private final java.util.Set<String> internal = new java.util.TreeSet<>();

    @Test
    void randomRequestsGetClearErrorsAndLeaveNothingBehind() throws Exception {
        Assumptions.assumeFalse(Target.external(), "fuzzes a jcrid of its own");
        long seed = Long.getLong("critest.fuzz.seed", FIXED_SEED);
        int rounds = Integer.getInteger("critest.fuzz.rounds", 25);
        System.out.println("request fuzz: seed " + seed + ", " + rounds + " calls per method");
        var dir = Scratch.dir("critest-fuzz-");
        TestNetwork.forExtraDaemon(dir.resolve("net.d"), dir.resolve("ipam"));
        var logs = Files.createDirectories(dir.resolve("logs"));
        try (var jcrid = JcridProcess.start(dir, ""); var cri = new CriClient(jcrid.endpoint())) {
            var image = Pods.busybox(cri);
            var live = new Baseline(cri, Pods.config("fuzz").setLinux(LinuxPodSandboxConfig.newBuilder()
                    .setCgroupParent("/" + CGROUP_PARENT)).build());
            live.refresh();
            var ids = new ArrayList<>(live.ids());
            var random = new RandomRequests(seed, pools(image, ids, logs, dir));
            try {
                for (int round = 0; round < rounds; round++) {
                    var valid = live.requests(image);
                    fuzz(cri.channel(), RuntimeServiceGrpc.getServiceDescriptor().getMethods(), "RuntimeService", valid, random);
                    fuzz(cri.channel(), ImageServiceGrpc.getServiceDescriptor().getMethods(), "ImageService", valid, random);
                    live.refresh();
                    ids.clear();
                    ids.addAll(live.ids());
                }
            } finally {
                codes.forEach((method, counts) -> System.out.println("  " + method + " " + counts));
                internal.forEach(line -> System.out.println("  INTERNAL " + line));
                removeAllBut(cri, "", "");
            }
            assertEquals(0, cri.runtime().listContainers(ListContainersRequest.getDefaultInstance()).getContainersCount());
            assertEquals("jcri", cri.runtime().version(VersionRequest.getDefaultInstance()).getRuntimeName(), "the daemon still serves");
            assertEquals(List.of(), Leaks.find(cri, dir, CGROUP_PARENT), "leaked after the fuzzed objects were removed");
        } finally {
            Leaks.removeCgroup(CGROUP_PARENT);
        }
        assertEquals(List.of(), problems, "seed " + seed);
        for (var escaped : List.of(ESCAPE, ESCAPE + ".log", ESCAPE + "-abs.log")) {
            assertFalse(Files.exists(Path.of(escaped)), escaped + " was created: a name escaped the directory it belongs to");
        }
    }

    /**
     * A running pod with a running container whose ids the random requests use, made anew (new ids, given to the pool)
     * whenever a fuzzed call stopped or removed them.
     */
    private static final class Baseline {
        private final CriClient cri;
        private PodSandboxConfig pod;
        private ContainerConfig container;
        private String podId = "";
        private String containerId = "";

        Baseline(CriClient cri, PodSandboxConfig pod) {
            this.cri = cri;
            this.pod = pod;
            this.container = Pods.shell(cri, "idle", "exec sleep 100000").build();
        }

        void refresh() {
            Pods.busybox(cri);
            removeAllBut(cri, podId, containerId); // what fuzzed calls made goes each round, with whatever config it has
            var pods = cri.runtime().listPodSandbox(ListPodSandboxRequest.newBuilder().setFilter(PodSandboxFilter.newBuilder().setId(podId)
                    .setState(PodSandboxStateValue.newBuilder().setState(PodSandboxState.SANDBOX_READY))).build());
            if (podId.isEmpty() || pods.getItemsCount() == 0) {
                try {
                    Pods.destroy(cri, podId); // a stopped one still holds its name
                } catch (StatusRuntimeException gone) {
                    // removed already
                }
                pod = pod.toBuilder().setMetadata(pod.getMetadata().toBuilder().setUid(java.util.UUID.randomUUID().toString())).build();
                podId = Pods.run(cri, pod);
                containerId = "";
            }
            var running = cri.runtime().listContainers(ListContainersRequest.newBuilder().setFilter(ContainerFilter.newBuilder()
                    .setId(containerId).setState(ContainerStateValue.newBuilder().setState(ContainerState.CONTAINER_RUNNING))).build());
            if (containerId.isEmpty() || running.getContainersCount() == 0) {
                try {
                    cri.runtime().removeContainer(RemoveContainerRequest.newBuilder().setContainerId(containerId).build());
                } catch (StatusRuntimeException gone) {
                    // removed already, or no id yet
                }
                container = container.toBuilder().setMetadata(ContainerMetadata.newBuilder().setName("idle-" + System.nanoTime())).build();
                containerId = Pods.start(cri, podId, pod, container);
            }
        }

        /** Ids for any id field: the live pod's and container's, their prefixes, and ones that name nothing. */
        List<String> ids() {
            return List.of("", "nope", "../../etc", podId, containerId, podId.substring(0, 12), containerId.substring(0, 12),
                    "0123456789abcdef".repeat(4));
        }

        /** A valid request for each call that takes more than ids and flags, naming the live pod and container. */
        Map<String, Message> requests(String image) {
            var imageSpec = ImageSpec.newBuilder().setImage(image).build();
            var resources = LinuxContainerResources.newBuilder().setCpuShares(512).setMemoryLimitInBytes(256L << 20).build();
            return Map.ofEntries(
                    Map.entry("RunPodSandbox", RunPodSandboxRequest.newBuilder().setConfig(pod.toBuilder()
                            .setMetadata(pod.getMetadata().toBuilder().setUid(java.util.UUID.randomUUID().toString()))).build()),
                    Map.entry("CreateContainer", CreateContainerRequest.newBuilder().setPodSandboxId(podId)
                            .setConfig(container.toBuilder().setMetadata(ContainerMetadata.newBuilder().setName("c" + System.nanoTime())))
                            .setSandboxConfig(pod).build()),
                    Map.entry("StartContainer", StartContainerRequest.newBuilder().setContainerId(containerId).build()),
                    Map.entry("StopContainer", StopContainerRequest.newBuilder().setContainerId(containerId).setTimeout(1).build()),
                    Map.entry("ExecSync", ExecSyncRequest.newBuilder().setContainerId(containerId).addCmd("true").setTimeout(5).build()),
                    Map.entry("Exec", ExecRequest.newBuilder().setContainerId(containerId).addCmd("true").setStdout(true).build()),
                    Map.entry("Attach", AttachRequest.newBuilder().setContainerId(containerId).setStdout(true).build()),
                    Map.entry("PortForward", PortForwardRequest.newBuilder().setPodSandboxId(podId).addPort(80).build()),
                    Map.entry("UpdateContainerResources", UpdateContainerResourcesRequest.newBuilder().setContainerId(containerId)
                            .setLinux(resources).build()),
                    Map.entry("UpdatePodSandboxResources", UpdatePodSandboxResourcesRequest.newBuilder().setPodSandboxId(podId)
                            .setResources(resources).setOverhead(resources).build()),
                    Map.entry("ContainerStatus", ContainerStatusRequest.newBuilder().setContainerId(containerId).setVerbose(true).build()),
                    Map.entry("ContainerStats", ContainerStatsRequest.newBuilder().setContainerId(containerId).build()),
                    Map.entry("ReopenContainerLog", ReopenContainerLogRequest.newBuilder().setContainerId(containerId).build()),
                    Map.entry("PodSandboxStatus", PodSandboxStatusRequest.newBuilder().setPodSandboxId(podId).setVerbose(true).build()),
                    Map.entry("PodSandboxStats", PodSandboxStatsRequest.newBuilder().setPodSandboxId(podId).build()),
                    Map.entry("PullImage", PullImageRequest.newBuilder().setImage(imageSpec).setSandboxConfig(pod).build()),
                    Map.entry("ImageStatus", ImageStatusRequest.newBuilder().setImage(imageSpec).setVerbose(true).build()),
                    Map.entry("RemoveImage", RemoveImageRequest.newBuilder().setImage(imageSpec).build()));
        }
    }

    private static Map<String, List<String>> pools(String image, List<String> ids, Path logs, Path dir) {
        int up = dir.getNameCount() + 2; // enough ".." to leave any directory the daemon joins a name to
        var escape = "../".repeat(up) + ESCAPE.substring(1);
        var images = List.of("", image, "127.0.0.1:1/nothing:here", "127.0.0.1:1/a@sha256:zz", "Bad Ref!", "127.0.0.1:1/" + "x".repeat(300));
        return Map.ofEntries(
                Map.entry("container_id", ids), Map.entry("pod_sandbox_id", ids), Map.entry("id", ids), Map.entry("target_id", ids),
                Map.entry("image", images), Map.entry("user_specified_image", images),
                Map.entry("host_path", List.of("", "/nonexistent/jcri-fuzz", "/dev/null", dir.toString(), "relative")),
                Map.entry("container_path", List.of("", "/data", "relative", escape, "/proc/sys/x")),
                Map.entry("log_directory", List.of("", logs.toString())),
                Map.entry("log_path", List.of("", "c.log", "sub/c.log", escape + ".log", ESCAPE + "-abs.log")),
                Map.entry("cgroup_parent", List.of("", "/" + CGROUP_PARENT, "../../x", "bad.slice", CGROUP_PARENT + ".slice")),
                Map.entry("seccomp_profile_path", List.of("", "/nonexistent/jcri-fuzz", "unconfined", "runtime/default")),
                Map.entry("localhost_ref", List.of("", "/nonexistent/jcri-fuzz", "/etc/hostname")),
                Map.entry("apparmor_profile", List.of("", "unconfined", "runtime/default", "localhost/x")),
                Map.entry("cmd", List.of("true", "sh", "", "/nonexistent")),
                Map.entry("command", List.of("true", "sh", "", "/nonexistent")),
                Map.entry("args", List.of("", "x", "-c")),
                Map.entry("sysctls.key", List.of("net.core.somaxconn", "kernel.shm_rmid_forced", "../x", "", "kernel.hostname")),
                Map.entry("sysctls", List.of("1", "0", "x", "")),
                Map.entry("unified.key", List.of("memory.max", "../cgroup.procs", "", "x")),
                Map.entry("unified", List.of("max", "x", "")),
                Map.entry("cpuset_cpus", List.of("", "0", "0-1", "x", "0-100000")),
                Map.entry("cpuset_mems", List.of("", "0", "x")),
                Map.entry("add_capabilities", List.of("ALL", "CAP_SYS_ADMIN", "NET_RAW", "x", "")),
                Map.entry("drop_capabilities", List.of("ALL", "CAP_CHOWN", "x", "")),
                Map.entry("add_ambient_capabilities", List.of("CAP_NET_BIND_SERVICE", "x", "")),
                Map.entry("permissions", List.of("rwm", "r", "x", "")),
                Map.entry("host_ip", List.of("", "127.0.0.1", "::1", "x")),
                Map.entry("runtime_handler", List.of("", "runc", "crun", "nope")));
    }

    private void fuzz(Channel channel, java.util.Collection<MethodDescriptor<?, ?>> methods, String service,
                      Map<String, Message> valid, RandomRequests random) {
        var protoService = CriProto.getDescriptor().findServiceByName(service);
        for (var method : methods) {
            var name = method.getBareMethodName();
            if (name.equals("GetContainerEvents")) {
                continue; // an open stream by design: EventsSpec covers it
            }
            var request = valid.containsKey(name) && !random.oneIn(4) ? random.mutate(valid.get(name))
                    : random.next(protoService.findMethodByName(name).getInputType());
            long started = System.nanoTime();
            var status = call(channel, method, request);
            long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started);
            codes.computeIfAbsent(name, k -> new TreeMap<>()).merge(status.getCode(), 1, Integer::sum);
            var description = String.valueOf(status.getDescription());
            if (status.getCode() == Status.Code.INTERNAL) {
                internal.add(name + ": " + description.substring(0, Math.min(400, description.length())).replace('\n', ' '));
            }
            if (status.getCode() == Status.Code.UNKNOWN
                    || status.getCode() == Status.Code.INTERNAL && PROGRAMMING_ERROR.matcher(description).matches()
                    || status.getCode() == Status.Code.DEADLINE_EXCEEDED && seconds >= DEADLINE_SECONDS - 1) {
                problems.add(name + " -> " + status.getCode() + ": " + description + " for " + request.toByteArray().length
                        + "-byte request " + java.util.HexFormat.of().formatHex(request.toByteArray(), 0, Math.min(200, request.size())));
            }
        }
    }

    private static <Q, R> Status call(Channel channel, MethodDescriptor<Q, R> method, ByteString request) {
        var options = CallOptions.DEFAULT.withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS);
        try {
            var message = method.parseRequest(request.newInput());
            if (method.getType() == MethodDescriptor.MethodType.UNARY) {
                ClientCalls.blockingUnaryCall(channel, method, options, message);
            } else {
                var responses = ClientCalls.blockingServerStreamingCall(channel, method, options, message);
                while (responses.hasNext()) {
                    responses.next();
                }
            }
            return Status.OK;
        } catch (StatusRuntimeException e) {
            return e.getStatus();
        }
    }

    /** Stops and removes every pod and container but the pod {@code keepPod} and the container {@code keepContainer}. */
    private static void removeAllBut(CriClient cri, String keepPod, String keepContainer) {
        for (var pod : cri.runtime().listPodSandbox(ListPodSandboxRequest.getDefaultInstance()).getItemsList()) {
            if (!pod.getId().equals(keepPod)) {
                Pods.destroy(cri, pod.getId());
            }
        }
        for (var container : cri.runtime().listContainers(ListContainersRequest.getDefaultInstance()).getContainersList()) {
            if (!container.getId().equals(keepContainer)) {
                cri.runtime().removeContainer(RemoveContainerRequest.newBuilder().setContainerId(container.getId()).build());
            }
        }
    }
}
