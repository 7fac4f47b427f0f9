package jcri.critest.kubelet;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import jcri.critest.JcridProcess;

/**
 * The released kubelets the specs run ({@code ../shared/cri-tools/README.md}), each with what its version needs to be
 * told of the runtime and this host: a spec class picks one for its {@link KubeletNode}.
 */
public enum KubeletVersion {
    /** v1.26.1: the runtime endpoint is a flag; standalone, without an API server. */
    V1_26("kubelet.binary", "bin/kubelet", false, false, ""),
    /**
     * v1.32.13: the runtime endpoint is a configuration field, cgroup v1 must be allowed explicitly, the feature gates
     * of the CRI features of Kubernetes 1.30+ are on (user namespaces, recursive read-only mounts, the
     * supplemental-groups policy, image volumes), and it gets an API client ({@link StubApiServer}): it reads a runtime
     * handler's features (recursive read-only mounts) through its RuntimeClass manager, which it makes only with one.
     */
    V1_32("kubelet132.binary", "bin-1.32/kubelet", true, true, """
            failCgroupV1: false
            featureGates: {UserNamespacesSupport: true, RecursiveReadOnlyMounts: true, SupplementalGroupsPolicy: true, ImageVolume: true}
            """);

    private final String property;
    private final String path;
    private final boolean endpointInConfig;
    private final boolean apiClient;
    private final String config;

    KubeletVersion(String property, String path, boolean endpointInConfig, boolean apiClient, String config) {
        this.property = property;
        this.path = path;
        this.endpointInConfig = endpointInConfig;
        this.apiClient = apiClient;
        this.config = config;
    }

    /** Its binary under {@code ../shared/cri-tools/} (or {@code -D<property>}); fails, naming it, if it is not there. */
    public Path binary() {
        var binary = Path.of(System.getProperty(property, JcridProcess.home().resolve("../shared/cri-tools/" + path).toString()))
                .toAbsolutePath().normalize();
        if (!Files.isExecutable(binary)) {
            throw new IllegalStateException("no kubelet at " + binary + " (../shared/cri-tools/README.md; or -D" + property + "=…)");
        }
        return binary;
    }

    /** The KubeletConfiguration lines this version needs to run on the CRI {@code endpoint} here. */
    public String config(String endpoint) {
        return (endpointInConfig ? "containerRuntimeEndpoint: " + endpoint + "\n" : "") + config;
    }

    /** The command-line flags this version needs to run on the CRI {@code endpoint}. */
    public List<String> flags(String endpoint) {
        return endpointInConfig ? List.of() : List.of("--container-runtime-endpoint", endpoint);
    }

    /** It runs with an API client ({@link StubApiServer}). */
    public boolean apiClient() {
        return apiClient;
    }
}
