package jcri.critest;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * Prints what the suite's jcrid logged during a test that failed (its last lines), so a failure in CI, where the
 * scratch directories are gone afterwards, can be read from the build's output. Registered for every spec through
 * JUnit's extension auto-detection.
 */
public final class SuiteLogOnFailure implements BeforeEachCallback, TestWatcher {
    private static final int MAX_LINES = 200;
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(SuiteLogOnFailure.class);

    @Override
    public void beforeEach(ExtensionContext context) throws IOException {
        var daemon = Target.startedDaemon();
        long offset = daemon.isPresent() && Files.exists(daemon.get().logFile()) ? Files.size(daemon.get().logFile()) : 0;
        context.getStore(NAMESPACE).put("offset", offset);
    }

    @Override
    public void testFailed(ExtensionContext context, Throwable cause) {
        var daemon = Target.startedDaemon();
        if (daemon.isEmpty()) {
            return;
        }
        var offset = context.getStore(NAMESPACE).getOrDefault("offset", Long.class, 0L);
        try (var file = new RandomAccessFile(daemon.get().logFile().toFile(), "r")) {
            var bytes = new byte[(int) Math.min(Integer.MAX_VALUE - 8, Math.max(0, file.length() - offset))];
            file.seek(offset);
            file.readFully(bytes);
            var lines = new String(bytes, StandardCharsets.UTF_8).lines().toList();
            var shown = lines.subList(Math.max(0, lines.size() - MAX_LINES), lines.size());
            System.err.println("---- the suite's jcrid during " + context.getDisplayName() + " of " + context.getRequiredTestClass().getSimpleName()
                    + " (" + daemon.get().logFile() + ", last " + shown.size() + " of " + lines.size() + " lines) ----");
            shown.forEach(System.err::println);
            System.err.println("---- end of the jcrid log ----");
        } catch (IOException e) {
            System.err.println("critest: cannot read " + daemon.get().logFile() + ": " + e);
        }
    }
}
