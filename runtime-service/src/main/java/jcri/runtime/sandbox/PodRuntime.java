package jcri.runtime.sandbox;

import jcri.api.v1.PodSandboxConfig;
import jcri.runtime.oci.PodFiles;
import jcri.runtime.oci.PodNamespaces;

/**
 * What a container needs to know of its pod.
 *
 * @param id the pod sandbox id
 * @param config the pod's CRI config
 * @param namespaces the pod's namespaces (pid: the infra holder's when the pod shares one, else Fresh)
 * @param files the pod's shared hostname, resolv.conf, hosts and /dev/shm
 * @param cgroupParent the pod's cgroup parent, in the configured driver's form
 * @param handler the runtime handler name (a key of {@code runtime.handlers})
 * @param ready false once the pod is stopped: no container may be created or started in it
 */
public record PodRuntime(
        String id, PodSandboxConfig config, PodNamespaces namespaces, PodFiles files,
        String cgroupParent, String handler, boolean ready) {
}
