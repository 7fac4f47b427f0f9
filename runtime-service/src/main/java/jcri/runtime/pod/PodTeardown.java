package jcri.runtime.pod;

import java.io.IOException;
import jcri.runtime.container.PodContainers;
import jcri.runtime.sandbox.SandboxManager;

/**
 * StopPodSandbox and RemovePodSandbox as the CRI orders them: the pod's containers first, then the
 * pod itself. Both are idempotent: an unknown pod is already stopped and removed.
 */
public final class PodTeardown {
    private final SandboxManager sandboxes;
    private final PodContainers containers;
    private final long stopTimeoutSeconds;

    /** {@code stopTimeoutSeconds}: the grace period each container of a stopping pod gets before SIGKILL. */
    public PodTeardown(SandboxManager sandboxes, PodContainers containers, long stopTimeoutSeconds) {
        this.sandboxes = sandboxes;
        this.containers = containers;
        this.stopTimeoutSeconds = stopTimeoutSeconds;
    }

    /** Stops the pod's containers, then its network and PID namespace holder. */
    public void stop(String idOrPrefix) throws IOException, InterruptedException {
        var pod = sandboxes.lookup(idOrPrefix);
        if (pod.isPresent()) {
            containers.stopAll(pod.get().id(), stopTimeoutSeconds);
            sandboxes.stop(pod.get().id());
        }
    }

    /** Removes the pod's containers, then the pod's namespaces, directory and record. */
    public void remove(String idOrPrefix) throws IOException, InterruptedException {
        var pod = sandboxes.lookup(idOrPrefix);
        if (pod.isPresent()) {
            containers.removeAll(pod.get().id());
            sandboxes.remove(pod.get().id());
        }
    }
}
