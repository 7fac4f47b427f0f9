package jcri.runtime.container;

import java.io.IOException;
import java.time.Duration;
import java.util.OptionalInt;
import jcri.api.CriException;

/** Connects to a running container's main process through its conmon's attach socket. */
public final class ContainerAttach {
    private final ContainerManager containers;
    private final Conmon conmon;

    public ContainerAttach(ContainerManager containers, Conmon conmon) {
        this.containers = containers;
        this.conmon = conmon;
    }

    /** The running container an attach with (or without) {@code stdin} may reach; the reason it may not otherwise. */
    public ContainerRecord check(String containerId, boolean stdin) {
        var record = containers.running(containerId);
        if (stdin && !record.parsedConfig().getStdin()) {
            throw CriException.invalid("container %s was not created with stdin, so attach cannot send it input", record.id());
        }
        return record;
    }

    /**
     * Attaches to the container's stdio; {@code stdin} asks for its input too, which the container
     * must have been created with. Closing the session detaches and leaves the container running.
     */
    public StdioSession attach(String containerId, boolean stdin) throws IOException {
        var record = check(containerId, stdin);
        var io = AttachConnection.open(conmon.attachSocket(record.id()));
        return new StdioSession(io, containers.bundle(record.id()).resolve("ctl"), new StdioSession.Ending() {
            @Override
            public OptionalInt awaitExit(Duration timeout) {
                return OptionalInt.empty();
            }

            @Override
            public void close() {
                // detaching leaves the container as it is
            }
        });
    }
}
