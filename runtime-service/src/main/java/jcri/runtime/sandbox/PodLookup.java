package jcri.runtime.sandbox;

import java.util.Optional;

/** How the container side finds a pod. */
public interface PodLookup {
    /** The pod with this full id, if it exists (ready or not). */
    Optional<PodRuntime> find(String podId);
}
