package jcri.image.testing;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;

/**
 * TCP ports for servers a test starts in another process. Taken below the kernel's ephemeral range, so no outgoing
 * connection can be given the port between the pick and the other process's bind.
 */
public final class FreePorts {
    private static final int LOWEST = 10_000;

    private FreePorts() {
    }

    /** A port nothing listens on now, outside the ephemeral range. */
    public static int pick() throws IOException {
        int ephemeralStart = ephemeralStart();
        var random = ThreadLocalRandom.current();
        for (int attempt = 0; attempt < 200; attempt++) {
            int port = random.nextInt(LOWEST, ephemeralStart);
            try (var probe = new ServerSocket(port)) {
                return probe.getLocalPort();
            } catch (IOException taken) {
                // try another
            }
        }
        throw new IOException("no free port between " + LOWEST + " and " + ephemeralStart);
    }

    private static int ephemeralStart() throws IOException {
        // read line-wise: this sysctl answers a read at a non-zero offset with EOF, and Files.readString probes one byte first
        var range = Files.readAllLines(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).getFirst().strip().split("\\s+");
        int start = Integer.parseInt(range[0]);
        if (start <= LOWEST + 1000) {
            throw new IOException("the ephemeral port range starts at " + start + "; no room below it for test servers");
        }
        return start;
    }
}
