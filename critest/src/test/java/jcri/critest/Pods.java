package jcri.critest;

import java.nio.file.Path;
import java.util.UUID;
import jcri.api.v1.ContainerConfig;
import jcri.api.v1.ContainerMetadata;
import jcri.api.v1.CreateContainerRequest;
import jcri.api.v1.ImageSpec;
import jcri.api.v1.LinuxPodSandboxConfig;
import jcri.api.v1.PodSandboxConfig;
import jcri.api.v1.PodSandboxMetadata;
import jcri.api.v1.PullImageRequest;
import jcri.api.v1.RemovePodSandboxRequest;
import jcri.api.v1.RunPodSandboxRequest;
import jcri.api.v1.StartContainerRequest;
import jcri.api.v1.StopPodSandboxRequest;
import jcri.image.testing.TestImages;

/** Builders and shortcuts for specs that run pods and containers. */
public final class Pods {
    private static String busybox;

    private Pods() {
    }

    /**
     * {@code pod} allowed to hold privileged containers when {@code privileged}: the kubelet marks such pods
     * privileged, and containerd refuses a privileged container in a pod that is not.
     */
    public static PodSandboxConfig.Builder privilegedIf(boolean privileged, PodSandboxConfig.Builder pod) {
        if (privileged) {
            pod.getLinuxBuilder().getSecurityContextBuilder().setPrivileged(true);
        }
        return pod;
    }

    /** A pod config with a unique uid and a fresh log directory. */
    public static PodSandboxConfig.Builder config(String name) {
        return PodSandboxConfig.newBuilder()
                .setMetadata(PodSandboxMetadata.newBuilder().setName(name).setNamespace("critest")
                        .setUid(UUID.randomUUID().toString()).setAttempt(0))
                .setLogDirectory(Scratch.dir("critest-logs-").toString())
                .setLinux(LinuxPodSandboxConfig.getDefaultInstance());
    }

    /** The busybox test image, pushed to the suite's registry once, pulled by {@code cri}. */
    public static String busybox(CriClient cri) {
        var image = busyboxReference();
        cri.images().pullImage(PullImageRequest.newBuilder().setImage(ImageSpec.newBuilder().setImage(image)).build());
        return image;
    }

    /** The busybox test image's reference, pushed to the suite's registry once (not pulled). */
    public static synchronized String busyboxReference() {
        if (busybox == null) {
            busybox = TestRegistry.push("critest/busybox", "1", TestImages.busybox());
        }
        return busybox;
    }

    /** A container config running {@code sh -c script} in busybox, logging to {@code <name>.log}. */
    public static ContainerConfig.Builder shell(CriClient cri, String name, String script) {
        return ContainerConfig.newBuilder()
                .setMetadata(ContainerMetadata.newBuilder().setName(name))
                .setImage(ImageSpec.newBuilder().setImage(busybox(cri)))
                .addCommand("sh").addArgs("-c").addArgs(script)
                .setLogPath(name + ".log");
    }

    public static String run(CriClient cri, PodSandboxConfig config) {
        return cri.runtime().runPodSandbox(RunPodSandboxRequest.newBuilder().setConfig(config).build()).getPodSandboxId();
    }

    public static String create(CriClient cri, String podId, PodSandboxConfig pod, ContainerConfig config) {
        return cri.runtime().createContainer(CreateContainerRequest.newBuilder().setPodSandboxId(podId)
                .setConfig(config).setSandboxConfig(pod).build()).getContainerId();
    }

    public static String start(CriClient cri, String podId, PodSandboxConfig pod, ContainerConfig config) {
        var id = create(cri, podId, pod, config);
        cri.runtime().startContainer(StartContainerRequest.newBuilder().setContainerId(id).build());
        return id;
    }

    /** Stops and removes a pod (and its containers). */
    public static void destroy(CriClient cri, String podId) {
        cri.runtime().stopPodSandbox(StopPodSandboxRequest.newBuilder().setPodSandboxId(podId).build());
        cri.runtime().removePodSandbox(RemovePodSandboxRequest.newBuilder().setPodSandboxId(podId).build());
    }

    /** Polls the container until it has exited or {@code timeout} passed; returns the last status seen. */
    public static jcri.api.v1.ContainerStatus awaitExit(CriClient cri, String id, java.time.Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            var status = cri.runtime().containerStatus(jcri.api.v1.ContainerStatusRequest.newBuilder().setContainerId(id).build())
                    .getStatus();
            if (status.getState() == jcri.api.v1.ContainerState.CONTAINER_EXITED || System.nanoTime() > deadline) {
                return status;
            }
            Thread.sleep(20);
        }
    }

    /** The container's log file. */
    public static Path log(PodSandboxConfig pod, ContainerConfig config) {
        return Path.of(pod.getLogDirectory()).resolve(config.getLogPath());
    }
}
