package jcri.linux;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.invoke.MethodHandle;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs code inside another network namespace. {@code setns(2)} moves only the calling thread, so
 * the work runs on a fresh platform thread that enters the namespace, does it and ends; sockets
 * opened there stay in that namespace for their whole life.
 */
public final class NetworkNamespaces {
    private static final int CLONE_NEWNET = 0x40000000;
    private static final MethodHandle SETNS = LinuxCalls.errnoCall("setns",
            FunctionDescriptor.of(LinuxCalls.INT, LinuxCalls.INT, LinuxCalls.INT));

    private NetworkNamespaces() {
    }

    /** Runs {@code action} in the network namespace whose file (a pinned bind mount or /proc/PID/ns/net) is {@code nsPath}. */
    public static <T> T call(String nsPath, Callable<T> action) throws Exception {
        var result = new AtomicReference<T>();
        var failure = new AtomicReference<Exception>();
        var thread = Thread.ofPlatform().name("netns").stackSize(256 * 1024).start(() -> {
            try {
                int fd = Descriptors.open(nsPath, Descriptors.O_RDONLY | Descriptors.O_CLOEXEC);
                try (var arena = Arena.ofConfined()) {
                    var state = arena.allocate(Linker.Option.captureStateLayout());
                    LinuxCalls.check((int) LinuxCalls.invoke(SETNS, state, fd, CLONE_NEWNET), state, "setns", nsPath);
                } finally {
                    Descriptors.close(fd);
                }
                result.set(action.call());
            } catch (Exception e) {
                failure.set(e);
            }
        });
        thread.join();
        if (failure.get() != null) {
            throw failure.get();
        }
        return result.get();
    }
}
