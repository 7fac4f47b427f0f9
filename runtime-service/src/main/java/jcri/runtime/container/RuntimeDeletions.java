package jcri.runtime.container;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;

/**
 * Deletes an exited container's runtime state (the runtime's record, the container's cgroup, any process left in it)
 * as soon as its exit is recorded, as containerd deletes a task when it exits: the cgroup goes with the container,
 * and RemoveContainer only waits for a deletion still under way (or deletes what no exit began to, e.g. after a restart).
 */
final class RuntimeDeletions {
    private final Map<String, ? extends OciRuntime> runtimes;
    private final Executor executor;
    private final Map<String, CompletableFuture<Void>> begun = new ConcurrentHashMap<>();

    /** {@code executor} runs the deletions begun at exits (virtual threads in the daemon). */
    RuntimeDeletions(Map<String, ? extends OciRuntime> runtimes, Executor executor) {
        this.runtimes = runtimes;
        this.executor = executor;
    }

    /** Begins deleting the runtime state of {@code record}, whose exit was just recorded. */
    void exited(ContainerRecord record) {
        begun.computeIfAbsent(record.id(), id -> CompletableFuture.runAsync(() -> {
            try {
                OciRuntime.of(runtimes, record.handler()).delete(id);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }, executor));
    }

    /** Deletes the container's runtime state: waits for the deletion its exit began, or (that one failed, or none began) deletes now. */
    void delete(ContainerRecord record) throws IOException, InterruptedException {
        var deletion = begun.remove(record.id());
        if (deletion != null) {
            try {
                deletion.get();
                return;
            } catch (ExecutionException e) {
                // done again below, where a failure reaches the caller
            }
        }
        OciRuntime.of(runtimes, record.handler()).delete(record.id());
    }
}
