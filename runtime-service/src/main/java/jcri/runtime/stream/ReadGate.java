package jcri.runtime.stream;

import io.netty.channel.Channel;

/**
 * Stops reading from a connection while any of its inbound streams holds more than its consumer
 * has taken, so a fast client cannot fill jcrid's memory; reading resumes when all have drained.
 */
final class ReadGate {
    private final Channel channel;
    private int closedBy;

    ReadGate(Channel channel) {
        this.channel = channel;
    }

    synchronized void close() {
        if (closedBy++ == 0) {
            channel.config().setAutoRead(false);
        }
    }

    synchronized void open() {
        if (--closedBy == 0) {
            channel.config().setAutoRead(true);
        }
    }
}
