package jcri.linux;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.ValueLayout;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Addresses and failures of {@link UnixDatagram}; jcri.daemon's notifier test receives what it sends. */
class UnixDatagramTest {
    @TempDir
    Path dir;

    @Test
    void aPathEndsWithNul() throws Exception {
        try (var arena = Arena.ofConfined()) {
            var address = UnixDatagram.socketAddress(arena, "/run/n");
            assertArrayEquals(new byte[] {1, 0, '/', 'r', 'u', 'n', '/', 'n', 0}, address.toArray(ValueLayout.JAVA_BYTE));
        }
    }

    @Test
    void anAbstractNameStartsWithNulAndHasNoTerminator() throws Exception {
        try (var arena = Arena.ofConfined()) {
            var address = UnixDatagram.socketAddress(arena, "@n/1");
            assertArrayEquals(new byte[] {1, 0, 0, 'n', '/', '1'}, address.toArray(ValueLayout.JAVA_BYTE));
        }
    }

    @Test
    void refusesARelativeOrOverlongAddress() {
        var relative = assertThrows(ErrnoException.class, () -> UnixDatagram.send("run/notify", new byte[1]));
        assertEquals(LinuxCalls.EINVAL, relative.errno());
        assertTrue(relative.getMessage().contains("not an absolute path or an @abstract name"), relative.getMessage());
        var overlong = assertThrows(ErrnoException.class, () -> UnixDatagram.send("/" + "x".repeat(107), new byte[1]));
        assertTrue(overlong.getMessage().contains("the limit is 107"), overlong.getMessage());
    }

    @Test
    void aMissingSocketIsENOENT() {
        var missing = dir.resolve("notify").toString();
        var e = assertThrows(ErrnoException.class, () -> UnixDatagram.send(missing, "READY=1".getBytes()));
        assertEquals(LinuxCalls.ENOENT, e.errno());
        assertTrue(e.getMessage().startsWith("sendto " + missing), e.getMessage());
    }

    @Test
    void aStreamSocketRefusesDatagrams() throws Exception {
        var stream = dir.resolve("stream");
        try (var server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(stream));
            var e = assertThrows(ErrnoException.class, () -> UnixDatagram.send(stream.toString(), "READY=1".getBytes()));
            assertEquals(91, e.errno(), e.getMessage()); // EPROTOTYPE
        }
    }
}
