package jcri.runtime.container;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.google.protobuf.InvalidProtocolBufferException;
import jcri.api.v1.ContainerConfig;
import jcri.api.v1.LinuxContainerResources;
import jcri.runtime.oci.spec.Process;

/**
 * A container as persisted.
 *
 * @param id 64 hex characters
 * @param podId its pod sandbox
 * @param config the CRI config, protobuf-encoded
 * @param imageId the image's id (config digest)
 * @param imageRef the image as the request named it
 * @param state where it is in its life
 * @param createdNanos Unix nanoseconds
 * @param startedNanos 0 until started
 * @param finishedNanos 0 until exited
 * @param exitCode exit code once exited
 * @param reason Completed, Error, OOMKilled, StartError, …
 * @param message details for the operator (the runtime's error when start failed)
 * @param logPath the CRI log file ("" when the kubelet asked for none)
 * @param pid the container's init pid on the host
 * @param handler runtime handler name
 * @param stopSignal the image's stop signal ("" = SIGTERM)
 * @param user the uid, gid and additional gids its process runs with (absent in records of jcri before 0.2)
 * @param resources the LinuxContainerResources an UpdateContainerResources set, protobuf-encoded (absent: the config's)
 */
public record ContainerRecord(String id, String podId, byte[] config, String imageId, String imageRef, ContainerState state,
                              long createdNanos, long startedNanos, long finishedNanos, int exitCode, String reason,
                              String message, String logPath, long pid, String handler, String stopSignal,
                              @JsonInclude(JsonInclude.Include.NON_NULL) Process.User user,
                              @JsonInclude(JsonInclude.Include.NON_NULL) byte[] resources) {
    public ContainerConfig parsedConfig() {
        try {
            return ContainerConfig.parseFrom(config);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("stored config of container " + id + " is unreadable", e);
        }
    }

    ContainerRecord started(long now) {
        return new ContainerRecord(id, podId, config, imageId, imageRef, ContainerState.RUNNING, createdNanos, now, 0, 0, "", "",
                logPath, pid, handler, stopSignal, user, resources);
    }

    ContainerRecord exited(long finished, int code, String why, String detail) {
        return new ContainerRecord(id, podId, config, imageId, imageRef, ContainerState.EXITED, createdNanos, startedNanos, finished, code,
                why, detail, logPath, pid, handler, stopSignal, user, resources);
    }

    /** The container's resources: the last update's, else its config's. */
    public LinuxContainerResources linuxResources() {
        if (resources == null) {
            return parsedConfig().getLinux().getResources();
        }
        try {
            return LinuxContainerResources.parseFrom(resources);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("stored resources of container " + id + " are unreadable", e);
        }
    }

    ContainerRecord resized(LinuxContainerResources updated) {
        return new ContainerRecord(id, podId, config, imageId, imageRef, state, createdNanos, startedNanos, finishedNanos, exitCode,
                reason, message, logPath, pid, handler, stopSignal, user, updated.toByteArray());
    }
}
