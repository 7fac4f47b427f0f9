package jcri.critest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import jcri.api.v1.ContainerState;
import jcri.api.v1.ContainerStatusRequest;
import jcri.api.v1.LinuxContainerConfig;
import jcri.api.v1.LinuxContainerResources;
import jcri.api.v1.PodSandboxStatusRequest;
import jcri.api.v1.PortMapping;
import jcri.api.v1.Protocol;
import jcri.api.v1.ReopenContainerLogRequest;
import jcri.api.v1.Signal;
import jcri.api.v1.StopContainerRequest;
import jcri.api.v1.UpdateContainerResourcesRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** critest "networking" (pod IP, port mapping), "container log reopen" and resource updates. */
class ContainerOpsSpec {
    private final CriClient cri = Target.client();
    private final List<String> pods = new ArrayList<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @AfterEach
    void cleanUp() {
        pods.forEach(p -> Pods.destroy(cri, p));
    }

    private String get(String url) throws Exception {
        Exception last = null;
        for (int i = 0; i < 50; i++) {
            try {
                return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(2)).build(),
                        HttpResponse.BodyHandlers.ofString()).body().strip();
            } catch (java.io.IOException e) {
                last = e;
                Thread.sleep(100);
            }
        }
        throw new AssertionError("no answer from " + url, last);
    }

    @Test
    void podIpAndHostPortReachAServerInThePod() throws Exception {
        int hostPort = jcri.image.testing.FreePorts.pick();
        var pod = Pods.config("web").addPortMappings(PortMapping.newBuilder().setProtocol(Protocol.TCP)
                .setContainerPort(80).setHostPort(hostPort)).build();
        var podId = Pods.run(cri, pod);
        pods.add(podId);
        Pods.start(cri, podId, pod, Pods.shell(cri, "httpd", "mkdir -p /www && echo hello-from-pod > /www/index.html && exec httpd -f -p 80 -h /www").build());
        var ip = cri.runtime().podSandboxStatus(PodSandboxStatusRequest.newBuilder().setPodSandboxId(podId).build()).getStatus().getNetwork().getIp();
        assertEquals("hello-from-pod", get("http://" + ip + ":80/"));
        assertEquals("hello-from-pod", get("http://" + TestNetwork.SUBNET_PREFIX + "1:" + hostPort + "/"), "through the host port");
    }

    @Test
    void reopenStartsANewLogFileAfterRotation() throws Exception {
        var pod = Pods.config("reopen").build();
        var podId = Pods.run(cri, pod);
        pods.add(podId);
        var config = Pods.shell(cri, "ticker", "i=0; while true; do echo tick $i; i=$((i+1)); sleep 0.1; done").build();
        var id = Pods.start(cri, podId, pod, config);
        var log = Pods.log(pod, config);
        Logs.await(log, "tick 2", Duration.ofSeconds(30));
        var rotated = log.resolveSibling(log.getFileName() + ".1");
        Files.move(log, rotated);
        cri.runtime().reopenContainerLog(ReopenContainerLogRequest.newBuilder().setContainerId(id).build());
        assertTrue(Files.exists(log), "a new log file once the call returns");
        var fresh = Logs.await(log, lines -> !lines.isEmpty(), "line", Duration.ofSeconds(30));
        assertTrue(!fresh.isEmpty() && fresh.stream().allMatch(l -> l.startsWith("tick ")), fresh.toString());
        var old = Logs.text(rotated);
        int lastOld = Integer.parseInt(old.getLast().substring(5));
        int firstNew = Integer.parseInt(fresh.getFirst().substring(5));
        assertTrue(firstNew > lastOld, "no line lost or repeated across the rotation: " + lastOld + " then " + firstNew);
    }

    @Test
    void resourcesAreAppliedAtCreateAndUpdatedWhileRunning() throws Exception {
        var pod = Pods.config("limits").build();
        var podId = Pods.run(cri, pod);
        pods.add(podId);
        var config = Pods.shell(cri, "limited", "exec sleep 1000").setLinux(LinuxContainerConfig.newBuilder()
                .setResources(LinuxContainerResources.newBuilder().setCpuShares(512).setMemoryLimitInBytes(128L << 20))).build();
        var id = Pods.start(cri, podId, pod, config);
        assertEquals(ContainerState.CONTAINER_RUNNING, cri.runtime().containerStatus(ContainerStatusRequest.newBuilder()
                .setContainerId(id).build()).getStatus().getState());
        org.junit.jupiter.api.Assumptions.assumeFalse(Target.external(), "the cgroup layout of another runtime is its own business");
        var memory = cgroupFile("memory", id, "memory.limit_in_bytes", "memory.max");
        assertEquals(String.valueOf(128L << 20), Files.readString(memory).strip());
        var cpu = cgroupFile("cpu", id, "cpu.shares", "cpu.weight");
        if (cpu.getFileName().toString().equals("cpu.shares")) {
            assertEquals("512", Files.readString(cpu).strip());
        }
        cri.runtime().updateContainerResources(UpdateContainerResourcesRequest.newBuilder().setContainerId(id)
                .setLinux(LinuxContainerResources.newBuilder().setMemoryLimitInBytes(64L << 20).setCpuShares(256)).build());
        assertEquals(String.valueOf(64L << 20), Files.readString(memory).strip());
        var shares = assertThrows(StatusRuntimeException.class, () -> cri.runtime().updateContainerResources(
                UpdateContainerResourcesRequest.newBuilder().setContainerId(id).setLinux(LinuxContainerResources.newBuilder()
                        .setMemoryLimitInBytes(32L << 20).setCpuShares(1)).build()));
        assertEquals(Status.Code.INVALID_ARGUMENT, shares.getStatus().getCode(), shares.getStatus().toString());
        assertTrue(shares.getStatus().getDescription().contains("cpu_shares"), shares.getStatus().toString());
        assertEquals(String.valueOf(64L << 20), Files.readString(memory).strip(), "a refused update changes nothing");
        if (!Target.external()) {
            var resources = cri.runtime().containerStatus(ContainerStatusRequest.newBuilder().setContainerId(id).build()).getStatus()
                    .getResources().getLinux();
            assertEquals(64L << 20, resources.getMemoryLimitInBytes(), "the status reports the resources the update set");
            assertEquals(256, resources.getCpuShares());
        }
    }

    /** The container's cgroup file on v1 ({@code /sys/fs/cgroup/<controller>/jcri/<id>/}) or v2. */
    private static Path cgroupFile(String controller, String id, String v1, String v2) {
        var v1Path = Path.of("/sys/fs/cgroup", controller, "jcri", id, v1);
        return Files.exists(v1Path) ? v1Path : Path.of("/sys/fs/cgroup/jcri", id, v2);
    }

    /** CRI stop_signal (Kubernetes 1.33's lifecycle.stopSignal): StopContainer sends it, and the status names it. */
    @Test
    void theRequestedStopSignalStopsTheContainer() throws Exception {
        var pod = Pods.config("stop-signal").build();
        var podId = Pods.run(cri, pod);
        pods.add(podId);
        var config = Pods.shell(cri, "usr1", "trap 'echo got-usr1; exit 0' USR1; echo ready; while true; do sleep 0.1; done")
                .setStopSignal(Signal.SIGUSR1).build();
        var id = Pods.start(cri, podId, pod, config);
        var log = Pods.log(pod, config);
        Logs.await(log, "ready", Duration.ofSeconds(60));
        var status = cri.runtime().containerStatus(ContainerStatusRequest.newBuilder().setContainerId(id).build()).getStatus();
        if (!Target.external()) {
            assertEquals(Signal.SIGUSR1, status.getStopSignal());
        }
        cri.runtime().stopContainer(StopContainerRequest.newBuilder().setContainerId(id).setTimeout(60).build());
        var stopped = cri.runtime().containerStatus(ContainerStatusRequest.newBuilder().setContainerId(id).build()).getStatus();
        assertEquals(0, stopped.getExitCode(), "the shell's trap ran: it was USR1, not SIGKILL");
        assertTrue(Logs.text(log).contains("got-usr1"), Logs.text(log).toString());
    }
}
