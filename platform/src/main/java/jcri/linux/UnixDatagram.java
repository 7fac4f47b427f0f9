package jcri.linux;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;

/**
 * One datagram sent on an {@code AF_UNIX SOCK_DGRAM} socket, which the JDK cannot open (systemd's notify socket is
 * one). The address is a path ({@code /run/...}) or, with a leading {@code @}, a name in the abstract namespace.
 */
public final class UnixDatagram {
    private static final int AF_UNIX = 1;
    private static final int SOCK_DGRAM = 2;
    private static final int SOCK_CLOEXEC = 02000000;
    private static final int MSG_NOSIGNAL = 0x4000;
    private static final int SUN_PATH_MAX = 108;
    private static final MethodHandle SOCKET = LinuxCalls.errnoCall("socket",
            FunctionDescriptor.of(LinuxCalls.INT, LinuxCalls.INT, LinuxCalls.INT, LinuxCalls.INT));
    private static final MethodHandle SENDTO = LinuxCalls.errnoCall("sendto", FunctionDescriptor.of(LinuxCalls.LONG,
            LinuxCalls.INT, LinuxCalls.PTR, LinuxCalls.LONG, LinuxCalls.INT, LinuxCalls.PTR, LinuxCalls.INT));

    private UnixDatagram() {
    }

    /** Sends {@code message} as one datagram to {@code address} from a socket of its own. */
    public static void send(String address, byte[] message) throws ErrnoException {
        try (var arena = Arena.ofConfined()) {
            var to = socketAddress(arena, address);
            var state = arena.allocate(Linker.Option.captureStateLayout());
            int fd = (int) LinuxCalls.invoke(SOCKET, state, AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
            LinuxCalls.check(fd, state, "socket", "AF_UNIX SOCK_DGRAM");
            try {
                var data = arena.allocate(Math.max(1, message.length));
                MemorySegment.copy(message, 0, data, ValueLayout.JAVA_BYTE, 0, message.length);
                long n = (long) LinuxCalls.invoke(SENDTO, state, fd, data, (long) message.length, MSG_NOSIGNAL, to, (int) to.byteSize());
                LinuxCalls.check((int) n, state, "sendto", address);
            } finally {
                Descriptors.close(fd);
            }
        }
    }

    /**
     * A {@code sockaddr_un} of exactly the address's length: family, then the path with its terminating NUL, or a NUL
     * and the abstract name without one.
     */
    static MemorySegment socketAddress(Arena arena, String address) throws ErrnoException {
        boolean abstractName = address.startsWith("@");
        if (!abstractName && !address.startsWith("/")) {
            throw new ErrnoException("sendto", "'" + address + "'", LinuxCalls.EINVAL, "not an absolute path or an @abstract name");
        }
        var name = (abstractName ? address.substring(1) : address).getBytes(StandardCharsets.UTF_8);
        int length = name.length + 1; // the leading NUL of an abstract name, or a path's terminating one
        if (length > SUN_PATH_MAX) {
            throw new ErrnoException("sendto", address, LinuxCalls.EINVAL,
                    "socket address too long (" + name.length + " bytes, the limit is " + (SUN_PATH_MAX - 1) + ")");
        }
        var sockaddr = arena.allocate(2 + length);
        sockaddr.set(ValueLayout.JAVA_SHORT, 0, (short) AF_UNIX);
        sockaddr.asSlice(abstractName ? 3 : 2, name.length).copyFrom(MemorySegment.ofArray(name));
        return sockaddr;
    }
}
