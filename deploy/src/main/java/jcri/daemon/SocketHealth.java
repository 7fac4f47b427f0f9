package jcri.daemon;

import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import jcri.api.v1.RuntimeServiceGrpc;
import jcri.api.v1.VersionRequest;

/** jcrid's health as the watchdog measures it: its own CRI socket answers a {@code Version} call in time. */
final class SocketHealth implements Watchdog.Health {
    private final String socket;
    private final LocalChannel channel;

    SocketHealth(String socket) {
        this.socket = socket;
        this.channel = LocalChannel.open(socket);
    }

    @Override
    public Optional<String> problem(Duration deadline) {
        try {
            RuntimeServiceGrpc.newBlockingStub(channel.channel()).withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS)
                    .version(VersionRequest.getDefaultInstance());
            return Optional.empty();
        } catch (StatusRuntimeException e) {
            return Optional.of("the CRI socket " + socket + " does not answer Version: " + e.getStatus());
        }
    }

    @Override
    public void close() {
        channel.close();
    }
}
