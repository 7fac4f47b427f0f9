package jcri.linux;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/** File descriptors that the JDK cannot open: raw {@code open}, {@code read}, {@code write}, {@code close}. */
final class Descriptors {
    static final int O_RDONLY = 0;
    static final int O_WRONLY = 1;
    static final int O_NONBLOCK = 04000;
    static final int O_CLOEXEC = 02000000;
    static final int EINTR = 4;

    private static final MethodHandle OPEN = LinuxCalls.errnoCall("open",
            FunctionDescriptor.of(LinuxCalls.INT, LinuxCalls.PTR, LinuxCalls.INT));
    private static final MethodHandle READ = LinuxCalls.errnoCall("read",
            FunctionDescriptor.of(LinuxCalls.LONG, LinuxCalls.INT, LinuxCalls.PTR, LinuxCalls.LONG));
    private static final MethodHandle WRITE = LinuxCalls.errnoCall("write",
            FunctionDescriptor.of(LinuxCalls.LONG, LinuxCalls.INT, LinuxCalls.PTR, LinuxCalls.LONG));
    private static final MethodHandle CLOSE = LinuxCalls.errnoCall("close", FunctionDescriptor.of(LinuxCalls.INT, LinuxCalls.INT));

    private Descriptors() {
    }

    static int open(String path, int flags) throws ErrnoException {
        try (var arena = Arena.ofConfined()) {
            var state = arena.allocate(Linker.Option.captureStateLayout());
            int fd = (int) LinuxCalls.invoke(OPEN, state, LinuxCalls.str(arena, path), flags);
            LinuxCalls.check(fd, state, "open", path);
            return fd;
        }
    }

    /** Reads into {@code buffer}, retrying on EINTR; 0 means end of file. */
    static int read(int fd, byte[] buffer, String subject) throws ErrnoException {
        try (var arena = Arena.ofConfined()) {
            var state = arena.allocate(Linker.Option.captureStateLayout());
            var memory = arena.allocate(buffer.length);
            while (true) {
                long n = (long) LinuxCalls.invoke(READ, state, fd, memory, (long) buffer.length);
                if (n >= 0) {
                    MemorySegment.copy(memory, ValueLayout.JAVA_BYTE, 0, buffer, 0, (int) n);
                    return (int) n;
                }
                retryOrThrow(state, "read", subject);
            }
        }
    }

    /** Writes all of {@code bytes[offset, offset+length)} in one call (a packet, on a packet socket), retrying on EINTR. */
    static void write(int fd, byte[] bytes, int offset, int length, String subject) throws ErrnoException {
        try (var arena = Arena.ofConfined()) {
            var state = arena.allocate(Linker.Option.captureStateLayout());
            var memory = arena.allocate(Math.max(1, length));
            MemorySegment.copy(bytes, offset, memory, ValueLayout.JAVA_BYTE, 0, length);
            long done = 0;
            while (done < length) {
                long n = (long) LinuxCalls.invoke(WRITE, state, fd, memory.asSlice(done), length - done);
                if (n >= 0) {
                    done += n;
                } else {
                    retryOrThrow(state, "write", subject);
                }
            }
        }
    }

    static void close(int fd) {
        try (var arena = Arena.ofConfined()) {
            LinuxCalls.invoke(CLOSE, arena.allocate(Linker.Option.captureStateLayout()), fd);
        }
    }

    /** Returns if the failed call was only interrupted (the caller retries); otherwise throws its error. */
    private static void retryOrThrow(MemorySegment state, String call, String subject) throws ErrnoException {
        try {
            LinuxCalls.check(-1, state, call, subject);
        } catch (ErrnoException e) {
            if (e.errno() != EINTR) {
                throw e;
            }
        }
    }
}
