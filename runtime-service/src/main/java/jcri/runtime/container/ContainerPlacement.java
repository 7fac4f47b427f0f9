package jcri.runtime.container;

import java.nio.file.Path;
import java.util.function.Function;
import jcri.api.CriException;
import jcri.api.v1.ContainerConfig;
import jcri.api.v1.NamespaceMode;
import jcri.runtime.oci.NamespaceRef;
import jcri.runtime.oci.PodNamespaces;
import jcri.runtime.sandbox.PodRuntime;

/** Where a new container goes in its pod: the namespaces it joins and the file its log is written to. */
final class ContainerPlacement {
    private final Function<String, ContainerRecord> running;

    /** {@code running} finds a running container by id (a PID-namespace target), failing otherwise. */
    ContainerPlacement(Function<String, ContainerRecord> running) {
        this.running = running;
    }

    /** The pod's network, IPC and UTS namespaces, and the PID namespace the container's options ask for. */
    PodNamespaces namespaces(PodRuntime pod, ContainerConfig config) {
        var podNs = pod.namespaces();
        var options = config.getLinux().getSecurityContext().getNamespaceOptions();
        NamespaceRef pid = switch (options.getPid()) {
            case POD -> podNs.pid() instanceof NamespaceRef.Join ? podNs.pid() : new NamespaceRef.Fresh();
            case NODE -> new NamespaceRef.Host();
            case TARGET -> new NamespaceRef.Join(Path.of("/proc/" + running.apply(options.getTargetId()).pid() + "/ns/pid"));
            default -> new NamespaceRef.Fresh();
        };
        if (options.getPid() == NamespaceMode.CONTAINER && podNs.pid() instanceof NamespaceRef.Join) {
            pid = new NamespaceRef.Fresh();
        }
        return new PodNamespaces(podNs.network(), podNs.ipc(), podNs.uts(), pid, podNs.user());
    }

    /** A log path that leaves the pod's log directory (absolute, or through "..") would let a request write anywhere. */
    static void checkLogPath(PodRuntime pod, ContainerConfig config) {
        var dir = pod.config().getLogDirectory();
        if (dir.isEmpty() || config.getLogPath().isEmpty()) {
            return;
        }
        var base = Path.of(dir).normalize();
        var log = base.resolve(config.getLogPath()).normalize();
        if (!log.startsWith(base) || log.equals(base)) {
            throw CriException.invalid("log_path '%s' is not a file inside the pod's log directory %s", config.getLogPath(), dir);
        }
    }

    /** The CRI log file: in the pod's log directory if the kubelet named one, else {@code container.log} in the bundle. */
    static Path logPath(PodRuntime pod, ContainerConfig config, Path bundle) {
        var dir = pod.config().getLogDirectory();
        if (dir.isEmpty() || config.getLogPath().isEmpty()) {
            return bundle.resolve("container.log");
        }
        return Path.of(dir).resolve(config.getLogPath());
    }
}
