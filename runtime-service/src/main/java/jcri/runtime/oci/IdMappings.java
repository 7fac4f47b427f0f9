package jcri.runtime.oci;

/**
 * The ID mappings of a pod's user namespace: one range of user ids and one of group ids, each starting at id 0
 * in the pod and at a host id other than 0 (the pod's root is never the node's).
 */
public record IdMappings(Range uids, Range gids) {
    /** {@code length} ids from {@code containerId} in the namespace onto {@code hostId} on the node. */
    public record Range(long containerId, long hostId, long length) {
        /** The line {@code /proc/<pid>/uid_map} and {@code gid_map} take. */
        public String procLine() {
            return containerId + " " + hostId + " " + length + "\n";
        }

        /** The host id of id {@code id} of the namespace (which the range must hold). */
        public long hostOf(long id) {
            return hostId + id - containerId;
        }
    }
}
