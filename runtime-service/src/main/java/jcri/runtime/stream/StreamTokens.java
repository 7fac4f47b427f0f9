package jcri.runtime.stream;

import io.grpc.Status;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import jcri.api.CriException;

/** Single-use random tokens naming pending stream requests; a token unused for its time to live is void. */
final class StreamTokens {
    /** Pending requests allowed at once; more means a client is issuing URLs it never uses. */
    static final int MAX_PENDING = 4096;
    private final SecureRandom random = new SecureRandom();
    private final ConcurrentHashMap<String, Pending> pending = new ConcurrentHashMap<>();
    private final Duration ttl;
    private final Clock clock;

    private record Pending(StreamRequest request, Instant expires) {
    }

    StreamTokens(Duration ttl, Clock clock) {
        this.ttl = ttl;
        this.clock = clock;
    }

    String issue(StreamRequest request) {
        var now = clock.instant();
        pending.values().removeIf(p -> p.expires().isBefore(now));
        if (pending.size() >= MAX_PENDING) {
            throw new CriException(Status.Code.RESOURCE_EXHAUSTED,
                    MAX_PENDING + " streaming requests are waiting for their clients already; try again later");
        }
        var bytes = new byte[18];
        random.nextBytes(bytes);
        var token = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        pending.put(token, new Pending(request, now.plus(ttl)));
        return token;
    }

    /** The request for {@code token}, which is used up by this call; empty if unknown or expired. */
    Optional<StreamRequest> take(String token) {
        var found = pending.remove(token);
        if (found == null || found.expires().isBefore(clock.instant())) {
            return Optional.empty();
        }
        return Optional.of(found.request());
    }
}
