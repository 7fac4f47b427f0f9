package jcri.runtime.stream;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.concurrent.CompletableFuture;

/**
 * The streams of one exec or attach session as its client opened them, whatever the protocol.
 *
 * @param stdin the client's input, or null
 * @param stdout where the process's output goes, or null
 * @param stderr where its error output goes, or null (always null with a terminal)
 * @param error where the outcome is reported
 * @param resize terminal sizes as JSON objects ({@code {"Width":80,"Height":24}}), or null
 * @param jsonStatus the outcome is a Kubernetes Status object (protocol v4 and later) rather than a bare message
 * @param clientGone completes when the client's connection closes
 * @param finish ends the connection once everything is sent
 */
record RemoteStreams(InputStream stdin, OutboundStream stdout, OutboundStream stderr, OutboundStream error, InputStream resize,
                     boolean jsonStatus, CompletableFuture<Void> clientGone, Runnable finish) {
    /** Closes every output stream, so the client reads their ends, then the connection. */
    void closeAll() {
        for (OutputStream out : new OutputStream[] {stdout, stderr, error}) {
            if (out != null) {
                try {
                    out.close();
                } catch (IOException ignored) {
                    // the client is gone
                }
            }
        }
        finish.run();
    }
}
