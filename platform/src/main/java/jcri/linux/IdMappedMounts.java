package jcri.linux;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.invoke.MethodHandle;
import java.nio.file.Path;

/**
 * ID-mapped bind mounts ({@code open_tree(2)}, {@code mount_setattr(2)} with {@code MOUNT_ATTR_IDMAP},
 * {@code move_mount(2)}; Linux 5.12+, per file system): a view of a tree whose owners are shifted by
 * the mappings of a user namespace, so that a file owned by uid 0 on disk belongs to the namespace's root.
 * The system call numbers are those of the generic table, the same on x86_64 and arm64.
 */
public final class IdMappedMounts {
    private static final long SYS_OPEN_TREE = 428;
    private static final long SYS_MOVE_MOUNT = 429;
    private static final long SYS_MOUNT_SETATTR = 442;
    private static final int AT_FDCWD = -100;
    private static final int OPEN_TREE_CLONE = 1;
    private static final int AT_EMPTY_PATH = 0x1000;
    private static final int AT_RECURSIVE = 0x8000;
    private static final int MOVE_MOUNT_F_EMPTY_PATH = 0x4;
    private static final long MOUNT_ATTR_IDMAP = 0x00100000;
    private static final long MOUNT_ATTR_SIZE = 32; // struct mount_attr: attr_set, attr_clr, propagation, userns_fd

    private static final MethodHandle OPEN_TREE = LinuxCalls.syscallCall(FunctionDescriptor.of(
            LinuxCalls.LONG, LinuxCalls.LONG, LinuxCalls.LONG, LinuxCalls.PTR, LinuxCalls.LONG));
    private static final MethodHandle MOUNT_SETATTR = LinuxCalls.syscallCall(FunctionDescriptor.of(
            LinuxCalls.LONG, LinuxCalls.LONG, LinuxCalls.LONG, LinuxCalls.PTR, LinuxCalls.LONG, LinuxCalls.PTR, LinuxCalls.LONG));
    private static final MethodHandle MOVE_MOUNT = LinuxCalls.syscallCall(FunctionDescriptor.of(
            LinuxCalls.LONG, LinuxCalls.LONG, LinuxCalls.LONG, LinuxCalls.PTR, LinuxCalls.LONG, LinuxCalls.PTR, LinuxCalls.LONG));

    private IdMappedMounts() {
    }

    /**
     * Mounts on {@code target} (an existing file or directory, like {@code source}) a copy of the mount at
     * {@code source} (with the mounts below it if {@code recursive}) seen through the ID mappings of the user
     * namespace whose file is {@code userns} (a pinned namespace or {@code /proc/<pid>/ns/user}).
     * Fails with EINVAL where the file system cannot be ID-mapped.
     */
    public static void bind(Path source, Path target, Path userns, boolean recursive) throws ErrnoException {
        int usernsFd = Descriptors.open(userns.toString(), Descriptors.O_RDONLY | Descriptors.O_CLOEXEC);
        try (var arena = Arena.ofConfined()) {
            var state = arena.allocate(Linker.Option.captureStateLayout());
            long tree = (long) LinuxCalls.invoke(OPEN_TREE, state, SYS_OPEN_TREE, (long) AT_FDCWD,
                    arena.allocateFrom(source.toString()), (long) (OPEN_TREE_CLONE | Descriptors.O_CLOEXEC | (recursive ? AT_RECURSIVE : 0)));
            LinuxCalls.check((int) tree, state, "open_tree", source.toString());
            try {
                var attr = arena.allocate(MOUNT_ATTR_SIZE, 8);
                attr.set(LinuxCalls.LONG, 0, MOUNT_ATTR_IDMAP);
                attr.set(LinuxCalls.LONG, 24, usernsFd);
                var empty = arena.allocateFrom("");
                LinuxCalls.check((int) (long) LinuxCalls.invoke(MOUNT_SETATTR, state, SYS_MOUNT_SETATTR, tree, empty,
                        (long) (AT_EMPTY_PATH | (recursive ? AT_RECURSIVE : 0)), attr, MOUNT_ATTR_SIZE), state,
                        "mount_setattr(MOUNT_ATTR_IDMAP)", source.toString());
                LinuxCalls.check((int) (long) LinuxCalls.invoke(MOVE_MOUNT, state, SYS_MOVE_MOUNT, tree, empty, (long) AT_FDCWD,
                        arena.allocateFrom(target.toString()), (long) MOVE_MOUNT_F_EMPTY_PATH), state, "move_mount", target.toString());
            } finally {
                Descriptors.close((int) tree);
            }
        } finally {
            Descriptors.close(usernsFd);
        }
    }
}
