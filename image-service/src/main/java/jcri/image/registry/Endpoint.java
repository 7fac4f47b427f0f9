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
 */
public record Endpoint(URI base, HttpClient client, boolean mirror, boolean probe) {
    @Override
    public String toString() {
        return base.toString();
    }
}
