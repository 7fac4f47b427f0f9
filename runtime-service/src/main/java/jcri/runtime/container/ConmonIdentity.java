package jcri.runtime.container;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.logging.Logger;
import jcri.process.ProcessIdentity;

/**
 * The conmon watching a container, kept in its bundle as a {@link ProcessIdentity} ({@code conmon.identity},
 * beside the {@code conmon.pid} conmon writes), so a pid the kernel gave to another process since is
 * never taken for that conmon.
 *
 * <p>Upgrade path: a bundle made by a jcrid older than this file has only {@code conmon.pid}. At
 * recovery {@link #adopt} derives the identity from it if that pid is still a process whose command
 * ends in {@code conmon} (the check the older jcrid made every time) and writes it down; from then on
 * only the identity counts. A bundle without either is watched by no live conmon.
 */
final class ConmonIdentity {
    private static final Logger LOG = Logger.getLogger(ConmonIdentity.class.getName());
    static final String FILE = "conmon.identity";
    static final String PID_FILE = "conmon.pid";

    private ConmonIdentity() {
    }

    /** Records the conmon that wrote {@code conmon.pid} in {@code bundle}; empty (nothing written) if it is gone already. */
    static Optional<ProcessIdentity> record(Path bundle) throws IOException {
        var identity = ProcessIdentity.of(pid(bundle));
        if (identity.isPresent()) {
            Files.writeString(bundle.resolve(FILE), identity.get().line());
        }
        return identity;
    }

    /** The recorded conmon; empty if none was recorded or the file is unreadable. */
    static Optional<ProcessIdentity> read(Path bundle) {
        try {
            return Optional.of(ProcessIdentity.parse(Files.readString(bundle.resolve(FILE))));
        } catch (IOException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** The recorded conmon or, for a bundle of an older jcrid, the one {@code conmon.pid} still names (then recorded). */
    static Optional<ProcessIdentity> adopt(Path bundle) {
        var recorded = read(bundle);
        if (recorded.isPresent() || !Files.exists(bundle.resolve(PID_FILE))) {
            return recorded;
        }
        try {
            long pid = pid(bundle);
            if (!ProcessHandle.of(pid).flatMap(p -> p.info().command()).orElse("").endsWith("conmon")) {
                return Optional.empty();
            }
            return record(bundle);
        } catch (IOException | NumberFormatException e) {
            LOG.warning("cannot identify the conmon of " + bundle + ": " + e);
            return Optional.empty();
        }
    }

    /** True while the recorded conmon itself (not a later process with its pid) runs. */
    static boolean alive(Path bundle) {
        return read(bundle).map(ProcessIdentity::running).orElse(false);
    }

    private static long pid(Path bundle) throws IOException {
        return Long.parseLong(Files.readString(bundle.resolve(PID_FILE)).strip());
    }
}
