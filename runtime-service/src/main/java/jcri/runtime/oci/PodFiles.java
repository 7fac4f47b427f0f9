package jcri.runtime.oci;

import java.nio.file.Path;

/**
 * Per-pod files on the host that every container of the pod mounts. A null path means the
 * container does not get that mount (e.g. no {@code /dev/shm} for a host-IPC pod).
 */
public record PodFiles(Path hostname, Path resolvConf, Path hosts, Path shm) {
}
