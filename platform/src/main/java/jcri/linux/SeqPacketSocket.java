package jcri.linux;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * A connected {@code AF_UNIX SOCK_SEQPACKET} socket, which neither the JDK nor Netty opens (conmon's
 * attach socket is one). Blocking calls: use it from platform threads. {@link #close} wakes a
 * blocked reader or writer.
 */
public final class SeqPacketSocket implements AutoCloseable {
    private static final int AF_UNIX = 1;
    private static final int SOCK_SEQPACKET = 5;
    private static final int SOCK_CLOEXEC = 02000000;
    private static final int SHUT_WR = 1;
    private static final int SHUT_RDWR = 2;
    private static final int SUN_PATH_MAX = 108;
    private static final MethodHandle SOCKET = LinuxCalls.errnoCall("socket",
            FunctionDescriptor.of(LinuxCalls.INT, LinuxCalls.INT, LinuxCalls.INT, LinuxCalls.INT));
    private static final MethodHandle CONNECT = LinuxCalls.errnoCall("connect",
            FunctionDescriptor.of(LinuxCalls.INT, LinuxCalls.INT, LinuxCalls.PTR, LinuxCalls.INT));
    private static final MethodHandle SHUTDOWN = LinuxCalls.errnoCall("shutdown",
            FunctionDescriptor.of(LinuxCalls.INT, LinuxCalls.INT, LinuxCalls.INT));

    private final int fd;
    private final String path;
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private volatile boolean closed;

    private SeqPacketSocket(int fd, String path) {
        this.fd = fd;
        this.path = path;
    }

    /** Connects to the socket bound at {@code path} (at most 107 bytes, the kernel's limit). */
    public static SeqPacketSocket connect(String path) throws ErrnoException {
        var name = path.getBytes(StandardCharsets.UTF_8);
        if (name.length >= SUN_PATH_MAX) {
            throw new ErrnoException("connect", path + " (" + name.length + " bytes, the limit is " + (SUN_PATH_MAX - 1) + ")",
                    LinuxCalls.EINVAL, "socket path too long");
        }
        try (var arena = Arena.ofConfined()) {
            var state = arena.allocate(Linker.Option.captureStateLayout());
            int fd = (int) LinuxCalls.invoke(SOCKET, state, AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
            LinuxCalls.check(fd, state, "socket", "AF_UNIX SOCK_SEQPACKET");
            var address = arena.allocate(2 + SUN_PATH_MAX);
            address.set(ValueLayout.JAVA_SHORT, 0, (short) AF_UNIX);
            address.asSlice(2).copyFrom(MemorySegment.ofArray(name));
            int rc = (int) LinuxCalls.invoke(CONNECT, state, fd, address, 2 + name.length + 1);
            try {
                LinuxCalls.check(rc, state, "connect", path);
            } catch (ErrnoException e) {
                Descriptors.close(fd);
                throw e;
            }
            return new SeqPacketSocket(fd, path);
        }
    }

    /** Receives one packet into {@code buffer} (the excess of a longer packet is lost); -1 at end of stream. */
    public int receive(byte[] buffer) throws ErrnoException {
        lock.readLock().lock();
        try {
            if (closed) {
                return -1;
            }
            int n = Descriptors.read(fd, buffer, path);
            return n == 0 ? -1 : n;
        } finally {
            lock.readLock().unlock();
        }
    }

    /** Sends {@code bytes[offset, offset+length)} as one packet. */
    public void send(byte[] bytes, int offset, int length) throws ErrnoException {
        lock.readLock().lock();
        try {
            if (closed) {
                throw new ErrnoException("send", path, 9, "socket closed");
            }
            Descriptors.write(fd, bytes, offset, length, path);
        } finally {
            lock.readLock().unlock();
        }
    }

    /** Tells the peer no more packets will come (it reads end of stream). */
    public void shutdownOutput() throws ErrnoException {
        shutdown(SHUT_WR);
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            shutdown(SHUT_RDWR);
        } catch (ErrnoException alreadyGone) {
            // the peer went away first
        }
        lock.writeLock().lock();
        try {
            Descriptors.close(fd);
        } finally {
            lock.writeLock().unlock();
        }
    }

    private void shutdown(int how) throws ErrnoException {
        try (var arena = Arena.ofConfined()) {
            var state = arena.allocate(Linker.Option.captureStateLayout());
            LinuxCalls.check((int) LinuxCalls.invoke(SHUTDOWN, state, fd, how), state, "shutdown", path);
        }
    }
}
