package jcri.linux;

import java.lang.foreign.AddressLayout;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

/**
 * The Linux system calls jcri makes directly, through the FFM API (no helper processes, no JNI).
 * Each call throws {@link ErrnoException} naming the call, its subject and the errno.
 */
public final class LinuxCalls {
    public static final long MS_RDONLY = 1;
    public static final long MS_NOSUID = 2;
    public static final long MS_NODEV = 4;
    public static final long MS_NOEXEC = 8;
    public static final long MS_REMOUNT = 32;
    public static final long MS_BIND = 4096;
    public static final long MS_REC = 16384;
    public static final long MS_PRIVATE = 1 << 18;
    public static final long MS_SLAVE = 1 << 19;
    public static final long MS_SHARED = 1 << 20;
    public static final int MNT_DETACH = 2;
    public static final int S_IFCHR = 0020000;
    public static final int S_IFBLK = 0060000;
    public static final int S_IFIFO = 0010000;
    public static final int ENOENT = 2;
    public static final int EBUSY = 16;
    public static final int EINVAL = 22;
    public static final int ENODATA = 61;

    static final Linker LINKER = Linker.nativeLinker();
    private static final SymbolLookup LIBC = LINKER.defaultLookup();
    private static final Linker.Option ERRNO = Linker.Option.captureCallState("errno");
    private static final VarHandle ERRNO_HANDLE = Linker.Option.captureStateLayout()
            .varHandle(MemoryLayout.PathElement.groupElement("errno"));
    static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG;
    static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT;
    static final AddressLayout PTR = ValueLayout.ADDRESS;

    private static final MethodHandle MOUNT = errnoCall("mount", FunctionDescriptor.of(INT, PTR, PTR, PTR, LONG, PTR));
    private static final MethodHandle UMOUNT2 = errnoCall("umount2", FunctionDescriptor.of(INT, PTR, INT));
    private static final MethodHandle MKNOD = errnoCall("mknod", FunctionDescriptor.of(INT, PTR, INT, LONG));
    private static final MethodHandle LSETXATTR = errnoCall("lsetxattr", FunctionDescriptor.of(INT, PTR, PTR, PTR, LONG, INT));
    private static final MethodHandle LGETXATTR = errnoCall("lgetxattr", FunctionDescriptor.of(LONG, PTR, PTR, PTR, LONG));
    private static final MethodHandle STATFS = errnoCall("statfs", FunctionDescriptor.of(INT, PTR, PTR));
    private static final MethodHandle PRCTL = LINKER.downcallHandle(LIBC.find("prctl").orElseThrow(),
            FunctionDescriptor.of(INT, INT, LONG), ERRNO, Linker.Option.firstVariadicArg(1));
    private static final MethodHandle WAITPID = errnoCall("waitpid", FunctionDescriptor.of(INT, INT, PTR, INT));
    private static final MethodHandle STRERROR = LINKER.downcallHandle(
            LIBC.find("strerror").orElseThrow(), FunctionDescriptor.of(PTR, INT));

    private LinuxCalls() {
    }

    /** Filesystem statistics of {@code statfs(2)}. */
    public record StatFs(long type, long blockSize, long blocks, long blocksFree, long blocksAvailable, long files, long filesFree) {
    }

    /** {@code mount(2)}; a null {@code source}, {@code fstype} or {@code data} is passed as NULL. */
    public static void mount(String source, String target, String fstype, long flags, String data) throws ErrnoException {
        try (var arena = Arena.ofConfined()) {
            var state = arena.allocate(Linker.Option.captureStateLayout());
            int rc = (int) invoke(MOUNT, state, str(arena, source), str(arena, target), str(arena, fstype), flags, str(arena, data));
            check(rc, state, "mount", source == null ? target : source + " on " + target);
        }
    }

    public static void umount2(String target, int flags) throws ErrnoException {
        try (var arena = Arena.ofConfined()) {
            var state = arena.allocate(Linker.Option.captureStateLayout());
            check((int) invoke(UMOUNT2, state, str(arena, target), flags), state, "umount2", target);
        }
    }

    /** Creates a device node or FIFO; {@code mode} includes the file type bits. */
    public static void mknod(String path, int mode, long dev) throws ErrnoException {
        try (var arena = Arena.ofConfined()) {
            var state = arena.allocate(Linker.Option.captureStateLayout());
            check((int) invoke(MKNOD, state, str(arena, path), mode, dev), state, "mknod", path);
        }
    }

    /** glibc's {@code makedev}. */
    public static long makedev(long major, long minor) {
        return ((major & 0xfffff000L) << 32) | ((major & 0xfffL) << 8) | ((minor & 0xffffff00L) << 12) | (minor & 0xffL);
    }

    public static void lsetxattr(String path, String name, byte[] value) throws ErrnoException {
        try (var arena = Arena.ofConfined()) {
            var state = arena.allocate(Linker.Option.captureStateLayout());
            var buffer = arena.allocate(Math.max(1, value.length));
            MemorySegment.copy(value, 0, buffer, ValueLayout.JAVA_BYTE, 0, value.length);
            check((int) invoke(LSETXATTR, state, str(arena, path), str(arena, name), buffer, (long) value.length, 0),
                    state, "lsetxattr " + name + " on", path);
        }
    }

    /** The value of extended attribute {@code name}; a missing attribute is an {@link ErrnoException} with {@link #ENODATA}. */
    public static byte[] lgetxattr(String path, String name) throws ErrnoException {
        try (var arena = Arena.ofConfined()) {
            var state = arena.allocate(Linker.Option.captureStateLayout());
            var buffer = arena.allocate(65536);
            long n = (long) invoke(LGETXATTR, state, str(arena, path), str(arena, name), buffer, buffer.byteSize());
            check(n < 0 ? -1 : 0, state, "lgetxattr " + name + " on", path);
            return buffer.asSlice(0, n).toArray(ValueLayout.JAVA_BYTE);
        }
    }

    public static StatFs statfs(String path) throws ErrnoException {
        try (var arena = Arena.ofConfined()) {
            var state = arena.allocate(Linker.Option.captureStateLayout());
            var buf = arena.allocate(120, 8); // struct statfs on 64-bit Linux
            check((int) invoke(STATFS, state, str(arena, path), buf), state, "statfs", path);
            return new StatFs(buf.get(LONG, 0), buf.get(LONG, 8), buf.get(LONG, 16), buf.get(LONG, 24),
                    buf.get(LONG, 32), buf.get(LONG, 40), buf.get(LONG, 48));
        }
    }

    /** Makes this process the reaper of its orphaned descendants ({@code PR_SET_CHILD_SUBREAPER}). */
    public static void becomeSubreaper() throws ErrnoException {
        try (var arena = Arena.ofConfined()) {
            var state = arena.allocate(Linker.Option.captureStateLayout());
            check((int) invoke(PRCTL, state, 36, 1L), state, "prctl", "PR_SET_CHILD_SUBREAPER");
        }
    }

    /** Reaps {@code pid} if it has exited ({@code waitpid(pid, WNOHANG)}); true if it was reaped. */
    public static boolean reap(int pid) throws ErrnoException {
        try (var arena = Arena.ofConfined()) {
            var state = arena.allocate(Linker.Option.captureStateLayout());
            var status = arena.allocate(INT);
            int rc = (int) invoke(WAITPID, state, pid, status, 1);
            check(rc, state, "waitpid", String.valueOf(pid));
            return rc == pid;
        }
    }

    /** The text of an errno value. */
    public static String strerror(int errno) {
        try {
            var text = (MemorySegment) STRERROR.invokeExact(errno);
            return text.reinterpret(1024).getString(0);
        } catch (Throwable t) {
            return "errno " + errno;
        }
    }

    static MethodHandle errnoCall(String name, FunctionDescriptor descriptor) {
        return LINKER.downcallHandle(LIBC.find(name).orElseThrow(() -> new IllegalStateException("libc has no " + name)),
                descriptor, ERRNO);
    }

    /** {@code syscall(2)} for one system call's argument shape; the first argument is the call's number. */
    static MethodHandle syscallCall(FunctionDescriptor descriptor) {
        return LINKER.downcallHandle(LIBC.find("syscall").orElseThrow(), descriptor, ERRNO, Linker.Option.firstVariadicArg(1));
    }

    static MemorySegment str(Arena arena, String s) {
        return s == null ? MemorySegment.NULL : arena.allocateFrom(s);
    }

    static Object invoke(MethodHandle handle, Object... args) {
        try {
            return handle.invokeWithArguments(args);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    static void check(int rc, MemorySegment state, String call, String subject) throws ErrnoException {
        if (rc == -1) {
            int errno = (int) ERRNO_HANDLE.get(state, 0L);
            throw new ErrnoException(call, subject, errno, strerror(errno));
        }
    }
}
