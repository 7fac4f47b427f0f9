package jcri.runtime.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import jcri.api.CriException;
import org.junit.jupiter.api.Test;

class StreamTokensTest {
    /** A clock the test moves. */
    private static final class TestClock extends Clock {
        Instant now = Instant.parse("2026-12-07T12:00:00Z");

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    private static final StreamRequest EXEC = new StreamRequest.Exec("c1", List.of("sh"), new StreamRequest.Stdio(true, true, true, false));
    private final TestClock clock = new TestClock();
    private final StreamTokens tokens = new StreamTokens(Duration.ofSeconds(60), clock);

    @Test
    void aTokenIsUrlSafeAndUsableExactlyOnce() {
        var token = tokens.issue(EXEC);
        assertTrue(token.matches("[A-Za-z0-9_-]{24}"), token);
        assertEquals(Optional.of(EXEC), tokens.take(token));
        assertEquals(Optional.empty(), tokens.take(token), "a URL cannot be replayed");
        assertEquals(Optional.empty(), tokens.take("made-up"));
    }

    @Test
    void tokensAreDistinctPerRequest() {
        assertNotEquals(tokens.issue(EXEC), tokens.issue(EXEC));
    }

    @Test
    void aTokenUnusedPastItsTimeToLiveIsVoid() {
        var fresh = tokens.issue(EXEC);
        var stale = tokens.issue(new StreamRequest.PortForward("p1", List.of(80)));
        clock.now = clock.now.plusSeconds(60);
        assertEquals(Optional.of(EXEC), tokens.take(fresh), "valid up to and including the expiry instant");
        clock.now = clock.now.plusMillis(1);
        assertEquals(Optional.empty(), tokens.take(stale));
    }

    @Test
    void tooManyPendingRequestsAreRefusedUntilSomeExpire() {
        for (int i = 0; i < StreamTokens.MAX_PENDING; i++) {
            tokens.issue(EXEC);
        }
        var e = assertThrows(CriException.class, () -> tokens.issue(EXEC));
        assertEquals(Status.Code.RESOURCE_EXHAUSTED, e.code());
        assertEquals("4096 streaming requests are waiting for their clients already; try again later", e.getMessage());

        clock.now = clock.now.plusSeconds(61);
        assertEquals(Optional.of(EXEC), tokens.take(tokens.issue(EXEC)), "expired requests are dropped on the next issue");
    }
}
