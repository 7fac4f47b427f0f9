package jcri.runtime.stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.logging.Level;
import java.util.logging.Logger;
import jcri.runtime.container.ContainerAttach;
import jcri.runtime.container.ContainerExec;
import jcri.runtime.container.StdioSession;

/**
 * Runs an exec or attach session between a client's streams and a process's stdio: output copied
 * out, input and terminal sizes copied in, the outcome reported on the error stream. An exec
 * session's command is killed when its client goes away; an attach session only detaches.
 */
final class RemoteCommand {
    private static final Logger LOG = Logger.getLogger(RemoteCommand.class.getName());
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration FOREVER = Duration.ofDays(3650);
    /** After an exec command exits, conmon drains its output and closes the socket; this long at most. */
    private static final long DRAIN_MILLIS = 5000;
    private final ContainerExec exec;
    private final ContainerAttach attach;
    private final SessionGauge gauge;

    RemoteCommand(ContainerExec exec, ContainerAttach attach, SessionGauge gauge) {
        this.exec = exec;
        this.attach = attach;
        this.gauge = gauge;
    }

    /** Runs the session to its end on the calling (virtual) thread. */
    void run(StreamRequest request, RemoteStreams streams) {
        try (var ignored = gauge.open(request.kind())) {
            runSession(request, streams);
        } finally {
            streams.closeAll();
        }
    }

    private void runSession(StreamRequest request, RemoteStreams streams) {
        StdioSession session;
        StreamRequest.Stdio stdio;
        try {
            if (request instanceof StreamRequest.Exec e) {
                stdio = e.stdio();
                session = exec.open(e.containerId(), e.cmd(), stdio.tty(), stdio.stdin());
            } else {
                var a = (StreamRequest.Attach) request;
                stdio = a.stdio();
                session = attach.attach(a.containerId(), stdio.stdin());
            }
        } catch (IOException | RuntimeException | InterruptedException e) {
            report(streams, RemoteStatus.failure(streams.jsonStatus(), e.getMessage()));
            return;
        }
        try (session) {
            // off the event loop that completes it: closing an exec session waits for the command to die
            streams.clientGone().thenRunAsync(() -> closeQuietly(session), task -> Thread.ofVirtual().start(task));
            var output = Thread.ofPlatform().daemon().name("stream-output").stackSize(256 * 1024)
                    .start(() -> copyOutput(session, streams, stdio.tty()));
            if (streams.stdin() != null) {
                Thread.ofVirtual().name("stream-input").start(() -> copyInput(session, streams.stdin()));
            }
            if (streams.resize() != null) {
                Thread.ofVirtual().name("stream-resize").start(() -> applySizes(session, streams.resize()));
            }
            if (request instanceof StreamRequest.Exec e) {
                var code = session.awaitExit(FOREVER);
                output.join(DRAIN_MILLIS);
                if (code.isPresent() && !streams.clientGone().isDone()) {
                    report(streams, code.getAsInt() == 0 ? RemoteStatus.success(streams.jsonStatus())
                            : RemoteStatus.exitCode(streams.jsonStatus(), e.cmd(), code.getAsInt()));
                }
            } else {
                output.join();
                report(streams, RemoteStatus.success(streams.jsonStatus()));
            }
        } catch (IOException e) {
            LOG.log(Level.FINE, "ending stream session", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void copyOutput(StdioSession session, RemoteStreams streams, boolean tty) {
        try {
            session.io().copyOutput(streams.stdout(), tty ? null : streams.stderr());
        } catch (IOException e) {
            closeQuietly(session); // the client stopped reading: nothing more can be delivered
        }
    }

    private static void copyInput(StdioSession session, InputStream stdin) {
        var buffer = new byte[32 << 10];
        try {
            int n;
            while ((n = stdin.read(buffer)) >= 0) {
                session.io().writeStdin(buffer, 0, n);
            }
            session.io().closeStdin();
        } catch (IOException e) {
            LOG.log(Level.FINE, "stdin copy ended", e);
        }
    }

    private static void applySizes(StdioSession session, InputStream sizes) {
        try (var values = JSON.readerFor(JsonNode.class).<JsonNode>readValues(sizes)) {
            while (values.hasNextValue()) {
                var size = values.nextValue();
                session.resize(size.path("Width").asInt(), size.path("Height").asInt());
            }
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.FINE, "resize stream ended", e);
        }
    }

    private static void report(RemoteStreams streams, byte[] status) {
        try {
            if (status.length > 0) {
                streams.error().write(status);
            }
        } catch (IOException gone) {
            // nobody to tell
        }
    }

    private static void closeQuietly(StdioSession session) {
        try {
            session.close();
        } catch (IOException e) {
            LOG.log(Level.FINE, "closing stream session", e);
        }
    }
}
