package jcri.runtime.cdi;

import java.util.List;
import java.util.Map;

/**
 * One CDI spec file: a vendor's devices of one kind ({@code vendor.com/class}) and the container edits each needs;
 * {@code containerEdits} at the top apply whenever any of its devices is injected. Absent lists and maps are empty.
 * Fields jcri does not apply ({@code intelRdt}, {@code netDevices}) are unknown, so a file using them is refused.
 */
public record CdiSpec(String cdiVersion, String kind, Map<String, String> annotations, List<Device> devices,
                      ContainerEdits containerEdits) {
    public CdiSpec {
        annotations = annotations == null ? Map.of() : Map.copyOf(annotations);
        devices = devices == null ? List.of() : List.copyOf(devices);
        containerEdits = containerEdits == null ? ContainerEdits.NONE : containerEdits;
    }

    /** A device, requested as {@code kind=name}. */
    public record Device(String name, Map<String, String> annotations, ContainerEdits containerEdits) {
        public Device {
            annotations = annotations == null ? Map.of() : Map.copyOf(annotations);
            containerEdits = containerEdits == null ? ContainerEdits.NONE : containerEdits;
        }
    }

    /** What injecting a device changes in the container's OCI spec. */
    public record ContainerEdits(List<String> env, List<DeviceNode> deviceNodes, List<Mount> mounts, List<Hook> hooks,
                                 List<Long> additionalGids) {
        static final ContainerEdits NONE = new ContainerEdits(null, null, null, null, null);

        public ContainerEdits {
            env = env == null ? List.of() : List.copyOf(env);
            deviceNodes = deviceNodes == null ? List.of() : List.copyOf(deviceNodes);
            mounts = mounts == null ? List.of() : List.copyOf(mounts);
            hooks = hooks == null ? List.of() : List.copyOf(hooks);
            additionalGids = additionalGids == null ? List.of() : List.copyOf(additionalGids);
        }

        boolean isEmpty() {
            return env.isEmpty() && deviceNodes.isEmpty() && mounts.isEmpty() && hooks.isEmpty() && additionalGids.isEmpty();
        }
    }

    /**
     * A device node made in the container at {@code path}, from {@code hostPath} (default: {@code path}); type and
     * numbers, when absent, come from the host's node; {@code permissions} are cgroup access ({@code rwm} when empty,
     * {@code none} for no rule).
     */
    public record DeviceNode(String path, String hostPath, String type, Long major, Long minor, Integer fileMode,
                             String permissions, Long uid, Long gid) {
    }

    /** A mount: {@code options} as in an OCI mount; {@code type} may be absent for a bind mount. */
    public record Mount(String hostPath, String containerPath, String type, List<String> options) {
        public Mount {
            options = options == null ? List.of() : List.copyOf(options);
        }
    }

    /** An OCI hook run at {@code hookName} ({@code prestart}, {@code createRuntime}, …, {@code poststop}). */
    public record Hook(String hookName, String path, List<String> args, List<String> env, Integer timeout) {
        public Hook {
            args = args == null ? List.of() : List.copyOf(args);
            env = env == null ? List.of() : List.copyOf(env);
        }
    }
}
