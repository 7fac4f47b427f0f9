package jcri.image.registry;

import io.grpc.Status;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import jcri.api.CriException;

/**
 * A containerd {@code certs.d} layout: {@code <dir>/<host>/hosts.toml} (the host as in image references,
 * {@code docker.io} for Docker Hub, {@code host:port} with its port), else {@code <dir>/_default/hosts.toml}. Files are
 * read at each lookup, so edits apply to the next pull.
 */
public final class HostsDirectory {
    private final Optional<Path> dir;

    /** The directory at {@code path}; an empty path means there is none. */
    public HostsDirectory(String path) {
        this.dir = path == null || path.isBlank() ? Optional.empty() : Optional.of(Path.of(path));
    }

    /** The hosts file for {@code domain}, whose server is {@code defaultServer} unless it says otherwise. */
    public Optional<HostsFile> find(String domain, URI defaultServer) {
        if (dir.isEmpty()) {
            return Optional.empty();
        }
        for (var name : new String[] {domain, "_default"}) {
            var file = dir.get().resolve(name).resolve("hosts.toml");
            if (name.contains("/") || !Files.isRegularFile(file)) {
                continue;
            }
            try {
                return Optional.of(HostsFile.read(file, defaultServer));
            } catch (IOException e) {
                throw new CriException(Status.Code.FAILED_PRECONDITION, "cannot read " + file + ": " + e.getMessage(), e);
            } catch (IllegalArgumentException e) {
                throw new CriException(Status.Code.FAILED_PRECONDITION, e.getMessage(), e);
            }
        }
        return Optional.empty();
    }
}
