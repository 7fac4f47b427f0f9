package jcri.runtime.sandbox;

import java.net.InetAddress;
import java.util.List;
import java.util.Locale;
import jcri.api.CriException;
import jcri.api.v1.PortMapping;

/** Which port mappings a pod may ask for: real port numbers and an IP literal (never a name to resolve) as host IP. */
final class PortMappings {
    private PortMappings() {
    }

    /**
     * The mappings that publish a port on the node, for the portmap plugin. A mapping with host
     * port 0 publishes nothing: the kubelet sends one for every declared {@code containerPort},
     * and containerd and CRI-O skip them too.
     */
    static List<jcri.runtime.network.PortMapping> published(List<PortMapping> mappings) {
        return mappings.stream().filter(p -> p.getHostPort() > 0)
                .map(p -> new jcri.runtime.network.PortMapping(p.getHostPort(), p.getContainerPort(),
                        p.getProtocol().name().toLowerCase(Locale.ROOT), p.getHostIp()))
                .toList();
    }

    /** Throws INVALID_ARGUMENT naming the first mapping the portmap plugin could not set up. */
    static void validate(List<PortMapping> mappings) {
        for (var mapping : mappings) {
            if (mapping.getContainerPort() < 1 || mapping.getContainerPort() > 65_535) {
                throw CriException.invalid("port mapping: container_port must be 1 to 65535, got %d", mapping.getContainerPort());
            }
            if (mapping.getHostPort() < 0 || mapping.getHostPort() > 65_535) {
                throw CriException.invalid("port mapping: host_port must be 0 (none) to 65535, got %d", mapping.getHostPort());
            }
            var ip = mapping.getHostIp();
            if (!ip.isEmpty()) {
                try {
                    InetAddress.ofLiteral(ip); // parses, never resolves
                } catch (IllegalArgumentException e) {
                    throw CriException.invalid("port mapping: host_ip must be an IPv4 or IPv6 address, got '%s'", ip);
                }
            }
        }
    }
}
