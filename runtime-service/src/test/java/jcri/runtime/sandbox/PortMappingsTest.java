package jcri.runtime.sandbox;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.grpc.Status;
import java.util.List;
import jcri.api.CriException;
import jcri.api.v1.PortMapping;
import jcri.api.v1.Protocol;
import org.junit.jupiter.api.Test;

class PortMappingsTest {
    private static PortMapping mapping(int container, int host, String ip) {
        return PortMapping.newBuilder().setContainerPort(container).setHostPort(host).setHostIp(ip).setProtocol(Protocol.UDP).build();
    }

    private static String refused(PortMapping m) {
        var e = assertThrows(CriException.class, () -> PortMappings.validate(List.of(mapping(80, 8080, ""), m)));
        assertEquals(Status.Code.INVALID_ARGUMENT, e.code());
        return e.getMessage();
    }

    @Test
    void portsOutsideTheirRangeAreRefused() {
        assertEquals("port mapping: container_port must be 1 to 65535, got 0", refused(mapping(0, 80, "")));
        assertEquals("port mapping: container_port must be 1 to 65535, got 65536", refused(mapping(65536, 80, "")));
        assertEquals("port mapping: host_port must be 0 (none) to 65535, got -1", refused(mapping(80, -1, "")));
        assertEquals("port mapping: host_port must be 0 (none) to 65535, got 70000", refused(mapping(80, 70000, "")));
    }

    @Test
    void theHostIpMustBeALiteralNeverANameToResolve() {
        assertEquals("port mapping: host_ip must be an IPv4 or IPv6 address, got 'localhost'", refused(mapping(80, 8080, "localhost")));
        assertEquals("port mapping: host_ip must be an IPv4 or IPv6 address, got '10.0.0.256'", refused(mapping(80, 8080, "10.0.0.256")));
        assertDoesNotThrow(() -> PortMappings.validate(List.of(mapping(65535, 0, "::1"), mapping(1, 65535, "192.168.1.1"))));
    }

    @Test
    void onlyMappingsWithAHostPortArePublishedWithALowerCaseProtocol() {
        var published = PortMappings.published(List.of(mapping(80, 0, ""), mapping(53, 5353, "127.0.0.1"),
                mapping(443, 8443, "").toBuilder().setProtocol(Protocol.TCP).build()));
        assertEquals(List.of(new jcri.runtime.network.PortMapping(5353, 53, "udp", "127.0.0.1"),
                new jcri.runtime.network.PortMapping(8443, 443, "tcp", "")), published);
    }
}
