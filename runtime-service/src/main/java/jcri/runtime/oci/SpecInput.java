package jcri.runtime.oci;

import java.nio.file.Path;
import jcri.api.v1.ContainerConfig;
import jcri.api.v1.PodSandboxConfig;
import jcri.image.ImageSpec;
import jcri.runtime.info.OciRuntimeFeatures;

/**
 * Everything the OCI runtime spec of one container is made from.
 *
 * @param containerId the container's id
 * @param container the CRI container config
 * @param sandbox the CRI config of its pod
 * @param image the image's run config
 * @param rootfs the container's mounted root filesystem (its /etc/passwd and /etc/group resolve users)
 * @param namespaces the namespaces it joins
 * @param files the pod's shared files
 * @param cgroupsPath {@code linux.cgroupsPath} in the form the configured cgroup driver expects
 * @param runtime what the OCI runtime of the container's handler implements
 */
public record SpecInput(
        String containerId,
        ContainerConfig container,
        PodSandboxConfig sandbox,
        ImageSpec image,
        Path rootfs,
        PodNamespaces namespaces,
        PodFiles files,
        String cgroupsPath,
        OciRuntimeFeatures runtime) {
}
