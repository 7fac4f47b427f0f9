package jcri.image.registry;

import java.net.URI;
import java.net.http.HttpClient;

/**
 * One place a repository can be fetched from: a mirror or the registry itself.
 *
 * @param base scheme, host and port ({@code https://registry-1.docker.io})
 * @param client the HTTP client with this endpoint's TLS settings
 * @param mirror true for a configured mirror (a miss there falls through to the next endpoint)
 */
public record Endpoint(URI base, HttpClient client, boolean mirror) {
    @Override
    public String toString() {
        return base.toString();
    }
}
