package jcri.runtime.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import jcri.api.CriException;
import org.junit.jupiter.api.Test;

/** The holder with prefixes that make no namespace (no root needed): readiness, failure and ending. */
class NamespaceHolderTest {
    private static final Duration BOUND = Duration.ofSeconds(60);

    @Test
    void theShellSetsTheHostnameOnlyWhenGivenOne() {
        assertEquals(List.of("unshare", "--uts", "--", "sh", "-c", "hostname \"$1\" && echo ready && exec cat", "sh", "web-0"),
                NamespaceHolder.command(List.of("unshare", "--uts", "--"), "web-0"));
        assertEquals(List.of("unshare", "--user", "--", "sh", "-c", "echo ready && exec cat", "sh"),
                NamespaceHolder.command(List.of("unshare", "--user", "--"), ""));
    }

    @Test
    void aReadyHolderRunsUntilClosed() throws Exception {
        var holder = NamespaceHolder.start(List.of("env", "--"), "", BOUND);
        var proc = holder.proc();
        assertTrue(Files.exists(proc.resolve("ns/net")), "alive while held");
        holder.close();
        assertFalse(Files.exists(proc.resolve("ns/net")) && Files.readString(proc.resolve("comm")).strip().equals("cat"), "ended when closed");
    }

    @Test
    void aFailingPrefixIsAnErrorWithWhatItSaid() {
        var e = assertThrows(CriException.class, () -> NamespaceHolder.start(List.of("sh", "-c", "echo no such namespace >&2; exit 1", "x"), "", BOUND));
        assertTrue(e.getMessage().contains("no such namespace"), e.getMessage());
    }
}
