package jcri.runtime.oci;

import java.util.List;
import jcri.api.v1.LinuxContainerSecurityContext;
import jcri.runtime.oci.spec.Seccomp;

/**
 * A container's confinement: its capabilities (a privileged one gets jcrid's whole bounding set), and, unless
 * privileged, masked and read-only paths (the CRI's lists, else the defaults) and seccomp.
 */
final class SecuritySection {
    static final List<String> MASKED = List.of("/proc/acpi", "/proc/asound", "/proc/kcore", "/proc/keys", "/proc/latency_stats",
            "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug", "/proc/scsi", "/sys/firmware",
            "/sys/devices/virtual/powercap");
    static final List<String> READONLY = List.of("/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger");

    private final Capabilities capabilities;
    private final List<String> seccompArchitectures;

    SecuritySection(Capabilities capabilities, List<String> seccompArchitectures) {
        this.capabilities = capabilities;
        this.seccompArchitectures = List.copyOf(seccompArchitectures);
    }

    /** The capabilities, {@code CAP_} names, of a container with {@code security}. */
    List<String> capabilities(LinuxContainerSecurityContext security) {
        return security.getPrivileged() ? capabilities.bounding()
                : capabilities.effective(security.getCapabilities().getAddCapabilitiesList(), security.getCapabilities().getDropCapabilitiesList());
    }

    /** {@code linux.maskedPaths}, null for a privileged container. */
    static List<String> maskedPaths(LinuxContainerSecurityContext security) {
        return security.getPrivileged() ? null : security.getMaskedPathsCount() > 0 ? List.copyOf(security.getMaskedPathsList()) : MASKED;
    }

    /** {@code linux.readonlyPaths}, null for a privileged container. */
    static List<String> readonlyPaths(LinuxContainerSecurityContext security) {
        return security.getPrivileged() ? null
                : security.getReadonlyPathsCount() > 0 ? List.copyOf(security.getReadonlyPathsList()) : READONLY;
    }

    /** {@code linux.seccomp} for a container holding {@code caps}, null for none (privileged or unconfined). */
    Seccomp seccomp(LinuxContainerSecurityContext security, List<String> caps) {
        return security.getPrivileged() ? null : SeccompProfiles.forContext(security, caps, seccompArchitectures);
    }
}
