package jcri.image.registry;

import java.net.URI;
import java.net.http.HttpClient;

/**
 * One place a repository can be fetched from: a mirror or the registry itself.
 *
 * @param base scheme, host and port ({@code https://registry-1.docker.io})
 * @param client the HTTP client with this endpoint's TLS settings
 * @param mirror true for a configured mirror (a miss there falls through to the next endpoint)
 * @param probe true for an unconfigured guess (HTTPS to a loopback registry that may speak plain
 *     HTTP): tried once with a short timeout, never retried
 * @param pulls may serve manifests and blobs by digest ({@code hosts.toml} capability {@code pull})
 * @param resolves may turn a tag into a manifest (capability {@code resolve})
 */
public record Endpoint(URI base, HttpClient client, boolean mirror, boolean probe, boolean pulls, boolean resolves) {
    /** An endpoint that both pulls and resolves. */
    public Endpoint(URI base, HttpClient client, boolean mirror, boolean probe) {
        this(base, client, mirror, probe, true, true);
    }

    /** True if this endpoint may answer a GET of {@code path} ({@code manifests/<tag>} needs resolve, the rest pull). */
    boolean serves(String path) {
        boolean byTag = path.startsWith("manifests/") && !path.contains(":");
        return byTag ? resolves : pulls;
    }

    @Override
    public String toString() {
        return base.toString();
    }
}
