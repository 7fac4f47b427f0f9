package jcri.runtime.oci;

import java.nio.file.Path;

/**
 * Per-pod files on the host that every container of the pod mounts. A null hostname, resolv.conf
 * or hosts means the container does not get that mount; a null shm (a host-IPC pod) means it
 * gets the node's {@code /dev/shm}.
 */
public record PodFiles(Path hostname, Path resolvConf, Path hosts, Path shm) {
}
