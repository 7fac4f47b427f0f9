package jcri.critest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import jcri.api.v1.ContainerFilter;
import jcri.api.v1.ContainerState;
import jcri.api.v1.ContainerStateValue;
import jcri.api.v1.ExecSyncRequest;
import jcri.api.v1.ListContainersRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** critest "multiple containers": what containers of one pod share (network, IPC, UTS) and not (mounts); list filters. */
class MultipleContainersSpec {
    private final CriClient cri = Target.client();
    private final List<String> pods = new java.util.ArrayList<>();

    @AfterEach
    void cleanUp() {
        pods.forEach(p -> Pods.destroy(cri, p));
    }

    private String exec(String container, String script) {
        var result = cri.runtime().execSync(ExecSyncRequest.newBuilder().setContainerId(container)
                .addCmd("sh").addCmd("-c").addCmd(script).setTimeout(20).build());
        assertEquals(0, result.getExitCode(), script + ": " + result.getStderr().toStringUtf8());
        return result.getStdout().toStringUtf8().strip();
    }

    @Test
    void containersOfAPodShareNetworkIpcAndUtsButNotTheirFilesystems() {
        var pod = Pods.config("multi").setHostname("multi-host").build();
        var podId = Pods.run(cri, pod);
        pods.add(podId);
        var server = Pods.start(cri, podId, pod, Pods.shell(cri, "server", "mkdir -p /www && echo from-server > /www/index.html"
                + " && echo shm-from-server > /dev/shm/marker && touch /only-in-server && exec httpd -f -p 127.0.0.1:8080 -h /www").build());
        var client = Pods.start(cri, podId, pod, Pods.shell(cri, "client", "exec sleep 1000").build());
        var namespaces = "for ns in net ipc uts mnt; do readlink /proc/self/ns/$ns; done";
        var serverNs = exec(server, namespaces).lines().toList();
        var clientNs = exec(client, namespaces).lines().toList();
        assertEquals(serverNs.subList(0, 3), clientNs.subList(0, 3), "net, ipc and uts namespaces are the pod's");
        assertNotEquals(serverNs.get(3), clientNs.get(3), "each container has its own mount namespace");
        assertEquals("from-server", exec(client, "for i in $(seq 100); do wget -q -O - http://127.0.0.1:8080/ && exit 0; sleep 0.1; done; exit 1"),
                "the client reaches the server on localhost");
        assertEquals("shm-from-server", exec(client, "cat /dev/shm/marker"), "/dev/shm is the pod's");
        assertEquals("multi-host", exec(client, "hostname"));
        assertEquals("separate", exec(client, "[ -e /only-in-server ] && echo shared || echo separate"));
    }

    @Test
    void listContainersFiltersByPodLabelsAndState() throws Exception {
        var pod = Pods.config("list-a").build();
        var podA = Pods.run(cri, pod);
        pods.add(podA);
        var other = Pods.config("list-b").build();
        var podB = Pods.run(cri, other);
        pods.add(podB);
        var tag = "t" + System.nanoTime();
        var running = Pods.start(cri, podA, pod, Pods.shell(cri, "running", "exec sleep 1000")
                .putLabels("suite", tag).putLabels("role", "sleeper").build());
        var created = Pods.create(cri, podA, pod, Pods.shell(cri, "created", "true").putLabels("suite", tag).build());
        var exited = Pods.start(cri, podA, pod, Pods.shell(cri, "exited", "true").putLabels("suite", tag).build());
        assertEquals(ContainerState.CONTAINER_EXITED, Pods.awaitExit(cri, exited, Duration.ofSeconds(20)).getState());
        var elsewhere = Pods.start(cri, podB, other, Pods.shell(cri, "elsewhere", "exec sleep 1000")
                .putLabels("suite", tag).putLabels("role", "sleeper").build());

        assertEquals(Set.of(running, created, exited), ids(ContainerFilter.newBuilder().setPodSandboxId(podA)));
        assertEquals(Set.of(running, created, exited, elsewhere), ids(ContainerFilter.newBuilder().putLabelSelector("suite", tag)));
        assertEquals(Set.of(running, elsewhere), ids(ContainerFilter.newBuilder().putLabelSelector("suite", tag)
                .putLabelSelector("role", "sleeper")));
        assertEquals(Set.of(elsewhere), ids(ContainerFilter.newBuilder().putLabelSelector("role", "sleeper").setPodSandboxId(podB)));
        assertEquals(Set.of(running), ids(ContainerFilter.newBuilder().setPodSandboxId(podA).setState(state(ContainerState.CONTAINER_RUNNING))));
        assertEquals(Set.of(created), ids(ContainerFilter.newBuilder().setPodSandboxId(podA).setState(state(ContainerState.CONTAINER_CREATED))));
        assertEquals(Set.of(exited), ids(ContainerFilter.newBuilder().setPodSandboxId(podA).setState(state(ContainerState.CONTAINER_EXITED))));
        assertEquals(Set.of(created), ids(ContainerFilter.newBuilder().setId(created)));
        assertEquals(Set.of(), ids(ContainerFilter.newBuilder().setId(created).setPodSandboxId(podB)));
        assertEquals(Set.of(), ids(ContainerFilter.newBuilder().putLabelSelector("suite", tag).putLabelSelector("role", "none")));
        var listed = cri.runtime().listContainers(ListContainersRequest.newBuilder().setFilter(ContainerFilter.newBuilder()
                .setId(running)).build()).getContainers(0);
        assertEquals(podA, listed.getPodSandboxId());
        assertEquals("running", listed.getMetadata().getName());
        assertEquals("sleeper", listed.getLabelsOrThrow("role"));
        assertEquals(ContainerState.CONTAINER_RUNNING, listed.getState());
    }

    private static ContainerStateValue state(ContainerState state) {
        return ContainerStateValue.newBuilder().setState(state).build();
    }

    private Set<String> ids(ContainerFilter.Builder filter) {
        return cri.runtime().listContainers(ListContainersRequest.newBuilder().setFilter(filter).build()).getContainersList().stream()
                .map(jcri.api.v1.Container::getId).collect(Collectors.toSet());
    }
}
