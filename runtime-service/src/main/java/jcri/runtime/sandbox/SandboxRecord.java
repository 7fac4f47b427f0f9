package jcri.runtime.sandbox;

import com.google.protobuf.InvalidProtocolBufferException;
import java.util.List;
import jcri.api.v1.PodSandboxConfig;

/**
 * A pod sandbox as persisted.
 *
 * @param id 64 hex characters
 * @param config the CRI config, protobuf-encoded
 * @param ready false once stopped
 * @param createdNanos creation time, Unix nanoseconds
 * @param handler runtime handler name
 * @param ips pod IPs from CNI, primary first (empty for host-network pods)
 * @param netns pinned network namespace file ("" = host network)
 * @param ipcns pinned IPC namespace file ("" = host IPC)
 * @param utsns pinned UTS namespace file ("" = host UTS)
 * @param cgroupParent the pod's cgroup parent in the configured driver's form
 * @param pidHolder pid of the process holding the pod's PID namespace (0 = none)
 */
public record SandboxRecord(String id, byte[] config, boolean ready, long createdNanos, String handler, List<String> ips,
                            String netns, String ipcns, String utsns, String cgroupParent, long pidHolder) {
    public SandboxRecord {
        ips = ips == null ? List.of() : List.copyOf(ips);
    }

    public PodSandboxConfig parsedConfig() {
        try {
            return PodSandboxConfig.parseFrom(config);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("stored config of pod " + id + " is unreadable", e);
        }
    }

    SandboxRecord stopped() {
        return new SandboxRecord(id, config, false, createdNanos, handler, ips, netns, ipcns, utsns, cgroupParent, pidHolder);
    }
}
