package jcri.critest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A test-only CNI network: bridge {@code jcritest<N>} on 10.88.(77+N).0/24 with host-local IPAM, portmap
 * and loopback. N is {@code -Dcritest.net=N} (default 0), so two suites can run side by side on one host.
 */
public final class TestNetwork {
    private static final int INDEX = Integer.getInteger("critest.net", 0);
    public static final String BRIDGE = "jcritest" + INDEX;
    public static final String SUBNET_PREFIX = "10.88." + (77 + INDEX) + ".";

    private TestNetwork() {
    }

    /** Writes the conflist into {@code netD}, with IPAM state under {@code ipamDir}. */
    public static void write(Path netD, Path ipamDir) throws IOException {
        Files.createDirectories(netD);
        Files.writeString(netD.resolve("10-jcritest.conflist"), """
                {
                  "cniVersion": "1.0.0",
                  "name": "jcritest",
                  "plugins": [
                    {
                      "type": "bridge",
                      "bridge": "%s",
                      "isGateway": true,
                      "ipMasq": false,
                      "hairpinMode": true,
                      "ipam": {
                        "type": "host-local",
                        "dataDir": "%s",
                        "ranges": [[{"subnet": "%s0/24"}]],
                        "routes": [{"dst": "0.0.0.0/0"}]
                      }
                    },
                    {"type": "portmap", "capabilities": {"portMappings": true}},
                    {"type": "loopback"}
                  ]
                }
                """.formatted(BRIDGE, ipamDir, SUBNET_PREFIX));
    }
}
