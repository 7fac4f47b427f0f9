package jcri.critest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A test-only CNI network: bridge {@code jcritest<N>} on 10.88.(77+N).0/24 with host-local IPAM, portmap
 * and loopback. N is {@code -Dcritest.net=N} (default 0), so two suites can run side by side on one host.
 */
public final class TestNetwork {
    private static final int INDEX = Integer.getInteger("critest.net", 0);
    public static final String BRIDGE = "jcritest" + INDEX;
    public static final String SUBNET_PREFIX = "10.88." + (77 + INDEX) + ".";

    private static final int EXTRA_FIRST = 200;
    private static final int EXTRA_SLICE = 10;
    private static final int EXTRA_SLICES = 5;
    private static final AtomicInteger extraDaemons = new AtomicInteger();

    private TestNetwork() {
    }

    /** Writes the conflist into {@code netD}, with IPAM state under {@code ipamDir}: the whole subnet. */
    public static void write(Path netD, Path ipamDir) throws IOException {
        write(netD, ipamDir, 2, 254);
    }

    /** As {@link #write}, for the suite's own daemon: .2 to .199, leaving the rest to {@link #forExtraDaemon}. */
    public static void forSuite(Path netD, Path ipamDir) throws IOException {
        write(netD, ipamDir, 2, EXTRA_FIRST - 1);
    }

    /**
     * As {@link #write}, for a daemon a spec starts beside the suite's own (restarts, crashes): ten addresses from .200
     * up, a different ten than the last few such daemons had, so pods a failed spec left running never share an
     * address with a later daemon's pods (each daemon keeps its own IPAM records).
     */
    public static void forExtraDaemon(Path netD, Path ipamDir) throws IOException {
        int first = EXTRA_FIRST + extraDaemons.getAndIncrement() % EXTRA_SLICES * EXTRA_SLICE;
        write(netD, ipamDir, first, first + EXTRA_SLICE - 1);
    }

    private static void write(Path netD, Path ipamDir, int first, int last) throws IOException {
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
                        "ranges": [[{"subnet": "%s0/24", "rangeStart": "%s%d", "rangeEnd": "%s%d"}]],
                        "routes": [{"dst": "0.0.0.0/0"}]
                      }
                    },
                    {"type": "portmap", "capabilities": {"portMappings": true}},
                    {"type": "loopback"}
                  ]
                }
                """.formatted(BRIDGE, ipamDir, SUBNET_PREFIX, SUBNET_PREFIX, first, SUBNET_PREFIX, last));
    }
}
