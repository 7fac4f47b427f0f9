package jcri.runtime.container;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.logging.Logger;
import jcri.api.CriException;
import jcri.api.v1.ContainerConfig;
import jcri.api.v1.LinuxContainerResources;
import jcri.runtime.Filters;
import jcri.runtime.Times;
import jcri.store.JsonStore;

/**
 * The containers jcrid knows, and the one writer of their state: {@link #add}, {@link #update} and
 * {@link #remove} persist each change, publish its event and wake whoever waits for an exit; every
 * other method only reads. Names ({@code name_podId_attempt}) are reserved here before a container
 * exists, so two creates cannot take the same one.
 */
public final class ContainerTable {
    private static final Logger LOG = Logger.getLogger(ContainerTable.class.getName());
    static final String OOM_KILLED = "OOMKilled";

    private final JsonStore<ContainerRecord> store;
    private final ContainerEvents events;
    private final Map<String, ContainerRecord> containers = new ConcurrentHashMap<>();
    private final Map<String, String> names = new ConcurrentHashMap<>();
    private final Map<String, CompletableFuture<Void>> exits = new ConcurrentHashMap<>();

    public ContainerTable(JsonStore<ContainerRecord> store, ContainerEvents events) {
        this.store = store;
        this.events = events;
    }

    /** Takes in the stored records, as jcrid left them when it last stopped; their names stay reserved. */
    synchronized void load() {
        for (var record : store.all()) {
            containers.put(record.id(), record);
            names.put(nameKey(record.podId(), record.parsedConfig()), record.id());
            exits.put(record.id(), record.state() == ContainerState.EXITED
                    ? CompletableFuture.completedFuture(null) : new CompletableFuture<>());
        }
    }

    /** Reserves the name {@code key} for the container {@code id} to be made; ALREADY_EXISTS if another holds it. */
    void reserve(String key, String id) {
        var holder = names.putIfAbsent(key, id);
        if (holder != null) {
            throw CriException.alreadyExists("container name %s is reserved by container %s", key, holder);
        }
    }

    /** Frees the name {@code key} if {@code id} holds it (a create that failed). */
    void release(String key, String id) {
        names.remove(key, id);
    }

    /** Adds a container just created (its name reserved), persisted and announced. */
    synchronized void add(ContainerRecord record) {
        if (record.state() != ContainerState.CREATED) {
            throw new IllegalArgumentException("container " + record.id() + " is added " + record.state() + ", not CREATED");
        }
        store.put(record.id(), record);
        containers.put(record.id(), record);
        exits.put(record.id(), new CompletableFuture<>());
        publish(record, ContainerEvents.Type.CREATED);
    }

    /**
     * Moves a container to {@code next}'s state and data if {@link ContainerState#canBecome} allows it:
     * persists it, publishes STARTED or STOPPED (counting an OOM kill), wakes exit waiters.
     * Returns false, changing nothing, for a refused move or a container no longer in the table.
     */
    synchronized boolean update(ContainerRecord next) {
        var current = containers.get(next.id());
        if (current == null) {
            return false;
        }
        if (!current.state().canBecome(next.state())) {
            LOG.fine(() -> "container " + next.id() + " stays " + current.state() + ", not " + next.state());
            return false;
        }
        store.put(next.id(), next);
        containers.put(next.id(), next);
        if (next.state() == ContainerState.RUNNING) {
            publish(next, ContainerEvents.Type.STARTED);
        } else {
            if (next.reason().equals(OOM_KILLED)) {
                events.oomKilled();
            }
            publish(next, ContainerEvents.Type.STOPPED); // before waking a stop, whose caller may remove next
            exits.get(next.id()).complete(null);
        }
        return true;
    }

    /** Records new resources of a container that has not exited, in its state; false if it has exited or is gone. */
    synchronized boolean resize(String id, LinuxContainerResources resources) {
        var current = containers.get(id);
        if (current == null || current.state() == ContainerState.EXITED) {
            return false;
        }
        var next = current.resized(resources);
        store.put(id, next);
        containers.put(id, next);
        return true;
    }

    /** Forgets a container (its runtime state and bundle already gone): record, name, waiters; publishes DELETED. */
    synchronized void remove(ContainerRecord record) {
        if (containers.remove(record.id()) == null) {
            return;
        }
        store.delete(record.id());
        names.remove(nameKey(record.podId(), record.parsedConfig()), record.id());
        exits.remove(record.id()).complete(null);
        publish(record, ContainerEvents.Type.DELETED);
    }

    /**
     * Waits up to {@code timeout} for the container to have exited (or be gone); true if it has.
     * Only the exit monitor's report or a lifecycle call ends the wait: nothing here looks at processes.
     */
    public boolean awaitExit(String id, Duration timeout) throws InterruptedException {
        var exited = exits.get(id);
        if (exited == null) {
            return true;
        }
        try {
            exited.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (ExecutionException e) {
            throw new IllegalStateException("only ever completed normally", e);
        }
    }

    /** The container with exactly this id. */
    public Optional<ContainerRecord> find(String id) {
        return Optional.ofNullable(containers.get(id));
    }

    /** The container with this id or unambiguous id prefix. */
    public Optional<ContainerRecord> lookup(String idOrPrefix) {
        return Filters.byIdOrPrefix(containers, idOrPrefix);
    }

    public List<ContainerRecord> list() {
        return List.copyOf(containers.values());
    }

    public List<ContainerRecord> forPod(String podId) {
        return containers.values().stream().filter(c -> c.podId().equals(podId)).toList();
    }

    private void publish(ContainerRecord record, ContainerEvents.Type type) {
        long now = Times.now();
        events.publish(() -> new ContainerEvents.Event(record.id(), record.podId(), type, now, forPod(record.podId())));
    }

    static String nameKey(String podId, ContainerConfig config) {
        return config.getMetadata().getName() + "_" + podId + "_" + config.getMetadata().getAttempt();
    }
}
