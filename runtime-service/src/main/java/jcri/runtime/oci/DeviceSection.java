package jcri.runtime.oci;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import jcri.api.CriException;
import jcri.api.v1.ContainerConfig;
import jcri.runtime.oci.spec.Linux;
import jcri.runtime.oci.spec.Resources;

/**
 * {@code linux.devices} and the cgroup device rules: the CRI's devices (the first for each path inside wins), and
 * for a privileged container every device of the node with all devices allowed; otherwise all are denied but the
 * requested ones.
 */
final class DeviceSection {
    private final DeviceNodes nodes;

    /** The devices and rules of one container. */
    record Devices(List<Linux.Device> devices, List<Resources.DeviceRule> rules) {
    }

    /** A device the container gets: node path, path inside, cgroup access ({@code rwm}). */
    private record Request(String host, String container, String access) {
    }

    DeviceSection(DeviceNodes nodes) {
        this.nodes = nodes;
    }

    Devices of(ContainerConfig c, boolean privileged) throws IOException {
        var rules = new ArrayList<Resources.DeviceRule>();
        rules.add(new Resources.DeviceRule(privileged, null, null, null, "rwm"));
        var requested = new ArrayList<Request>();
        for (var d : c.getDevicesList()) {
            requested.add(new Request(d.getHostPath(), d.getContainerPath().isEmpty() ? d.getHostPath() : d.getContainerPath(),
                    d.getPermissions().isEmpty() ? "rwm" : d.getPermissions()));
        }
        if (privileged) {
            for (var host : nodes.forPrivileged()) {
                requested.add(new Request(host.toString(), host.toString(), "rwm"));
            }
        }
        var devices = new ArrayList<Linux.Device>();
        var seen = new HashSet<String>();
        for (var d : requested) {
            var found = nodes.stat(Path.of(d.host()))
                    .orElseThrow(() -> CriException.invalid("device %s does not exist on the node or is no device node", d.host()));
            if (!seen.add(d.container())) {
                continue;
            }
            devices.add(new Linux.Device(d.container(), found.type(), found.major(), found.minor(), found.fileMode(), 0, 0));
            if (!privileged) {
                rules.add(new Resources.DeviceRule(true, found.type(), found.major(), found.minor(), d.access()));
            }
        }
        return new Devices(List.copyOf(devices), List.copyOf(rules));
    }
}
