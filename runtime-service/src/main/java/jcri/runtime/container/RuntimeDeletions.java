package jcri.runtime.container;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;

/**
 * Deletes an exited container's runtime state (the runtime's record, the container's cgroup, any process left in it)
 * as soon as its exit is recorded, as containerd deletes a task when it exits: the cgroup goes with the container,
 * and RemoveContainer only waits for a deletion still under way (or deletes what no exit began to, e.g. after a restart).
 * A container whose start is still running is held: its process may exit before {@code runc start} has finished with the
 * runtime's state, so its deletion begins when the start returns.
 */
final class RuntimeDeletions {
    private final Map<String, ? extends OciRuntime> runtimes;
    private final Executor executor;
    private final Map<String, CompletableFuture<Void>> begun = new ConcurrentHashMap<>();
    private final Map<String, Optional<ContainerRecord>> held = new HashMap<>();

    /** {@code executor} runs the deletions begun at exits (virtual threads in the daemon). */
    RuntimeDeletions(Map<String, ? extends OciRuntime> runtimes, Executor executor) {
        this.runtimes = runtimes;
        this.executor = executor;
    }

    /** Holds back the deletion of container {@code id}'s runtime state while the runtime starts it. */
    synchronized void hold(String id) {
        held.put(id, Optional.empty());
    }

    /** Ends the hold of {@link #hold}; a deletion asked for meanwhile begins now. */
    synchronized void release(String id) {
        var exited = held.remove(id);
        if (exited != null && exited.isPresent()) {
            begin(exited.get());
        }
    }

    /** Begins deleting the runtime state of {@code record}, whose exit was just recorded (once its start returned, if held). */
    synchronized void exited(ContainerRecord record) {
        if (held.containsKey(record.id())) {
            held.put(record.id(), Optional.of(record));
        } else {
            begin(record);
        }
    }

    private void begin(ContainerRecord record) {
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
        CompletableFuture<Void> deletion;
        synchronized (this) {
            held.remove(record.id());
            deletion = begun.remove(record.id());
        }
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
