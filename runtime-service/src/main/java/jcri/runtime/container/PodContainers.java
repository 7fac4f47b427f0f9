package jcri.runtime.container;

import java.io.IOException;

/** What the pod side asks of the containers of one pod when it stops or removes the pod. */
public interface PodContainers {
    /** Stops every running container of the pod, each with its stop signal, SIGKILL after the timeout. */
    void stopAll(String podId, long timeoutSeconds) throws IOException, InterruptedException;

    /** Removes every container of the pod (stopping any still running). */
    void removeAll(String podId) throws IOException, InterruptedException;
}
