package jcri.image.registry;

import io.grpc.Status;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.logging.Logger;
import javax.net.ssl.SSLException;
import jcri.api.CriException;

/**
 * Talks to one repository on behalf of one pull: tries the endpoints in order, answers
 * authentication challenges once per request, and retries 5xx answers and broken connections with
 * exponential backoff. Responses are returned as streams that the caller must close.
 */
public final class RegistrySession {
    private static final Logger LOG = Logger.getLogger(RegistrySession.class.getName());
    private static final int ATTEMPTS = 4;
    private static final Duration FIRST_BACKOFF = Duration.ofMillis(200);
    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(5);
    private final List<Endpoint> endpoints;
    /** The endpoint that answered after others before it failed; later requests of the pull that it may serve go there first. */
    private volatile Endpoint preferred;
    private final String registry;
    private final String repository;
    private final Credentials credentials;
    private final TokenCache tokens;
    private volatile String authorization;

    private final Consumer<String> probeFailed;

    public RegistrySession(List<Endpoint> endpoints, String registry, String repository, Credentials credentials, TokenCache tokens,
                           Consumer<String> probeFailed) {
        this.endpoints = endpoints;
        this.probeFailed = probeFailed;
        this.registry = registry;
        this.repository = repository;
        this.credentials = credentials;
        this.tokens = tokens;
    }

    public String repository() {
        return repository;
    }

    /**
     * GETs {@code /v2/<repository>/<path>} and returns the 2xx response; a 404 everywhere is
     * NOT_FOUND naming {@code what}, a refused login is UNAUTHENTICATED.
     */
    public HttpResponse<InputStream> get(String path, String accept, String what) throws IOException, InterruptedException {
        Exception last = null;
        var failures = new ArrayList<String>();
        var order = new ArrayList<>(endpoints.stream().filter(e -> e.serves(path)).toList());
        if (preferred != null && order.contains(preferred)) {
            order.remove(preferred);
            order.addFirst(preferred);
        }
        for (var endpoint : order) {
            try {
                var response = getFrom(endpoint, path, accept);
                if (!failures.isEmpty()) {
                    preferred = endpoint;
                }
                if (response.statusCode() == 404) {
                    response.body().close();
                    last = CriException.notFound("%s not found in %s/%s", what, registry, repository);
                    failures.add(endpoint + ": not found");
                    continue;
                }
                return response;
            } catch (CriException e) {
                if (!endpoint.mirror()) {
                    throw e;
                }
                last = e;
                failures.add(endpoint + ": " + e.getMessage());
            } catch (IOException e) {
                LOG.fine(() -> "registry endpoint " + endpoint + " failed for " + what + ": " + e);
                if (endpoint.probe()) {
                    probeFailed.accept(registry);
                }
                last = e;
                failures.add(endpoint + ": " + ConnectionFailures.describe(e));
            }
        }
        if (last instanceof CriException e) {
            throw e;
        }
        throw new CriException(Status.Code.UNAVAILABLE, "cannot reach registry " + registry + " for " + what + ": "
                + (failures.isEmpty() ? "no endpoint" : String.join("; ", failures)), last);
    }

    private HttpResponse<InputStream> getFrom(Endpoint endpoint, String path, String accept) throws IOException, InterruptedException {
        var uri = endpoint.base().resolve("/v2/" + repository + "/" + path);
        var backoff = FIRST_BACKOFF;
        boolean challenged = false;
        for (int attempt = 1; ; attempt++) {
            var request = HttpRequest.newBuilder(uri).timeout(endpoint.probe() ? PROBE_TIMEOUT : Duration.ofMinutes(5)).GET();
            if (!accept.isEmpty()) {
                request.header("Accept", accept);
            }
            if (authorization != null) {
                request.header("Authorization", authorization);
            }
            HttpResponse<InputStream> response;
            try {
                response = endpoint.client().send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
            } catch (SSLException e) {
                throw e; // a TLS mismatch does not heal by retrying; the next endpoint may be plain HTTP
            } catch (IOException e) {
                if (attempt >= ATTEMPTS || endpoint.probe()) {
                    throw e;
                }
                LOG.fine(() -> "retrying " + uri + " after " + e);
                backoff = sleep(backoff);
                continue;
            }
            int code = response.statusCode();
            if (code == 401 && !challenged) {
                response.body().close();
                var header = response.headers().firstValue("WWW-Authenticate").orElse("");
                if (header.isEmpty()) {
                    throw refused(code);
                }
                authorization = tokens.authorization(endpoint.client(), Challenge.parse(header), credentials, registry);
                challenged = true;
                continue;
            }
            if (code == 401 || code == 403) {
                response.body().close();
                throw refused(code);
            }
            if (code >= 500 || code == 429) {
                response.body().close();
                if (attempt >= ATTEMPTS) {
                    throw new IOException(uri + " answered HTTP " + code + " " + ATTEMPTS + " times");
                }
                backoff = sleep(backoff);
                continue;
            }
            if (code / 100 != 2 && code != 404) {
                response.body().close();
                throw new CriException(Status.Code.FAILED_PRECONDITION, "registry " + registry + " answered HTTP " + code + " for " + uri);
            }
            return response;
        }
    }

    private CriException refused(int code) {
        var who = credentials.hasPassword() ? "the credentials of user '" + credentials.username() + "'"
                : credentials.registryToken().isEmpty() && credentials.identityToken().isEmpty() ? "an anonymous pull"
                : "the given token";
        return new CriException(code == 403 ? Status.Code.PERMISSION_DENIED : Status.Code.UNAUTHENTICATED,
                "registry " + registry + " refused " + who + " for repository " + repository + " (HTTP " + code + ")");
    }

    private static Duration sleep(Duration backoff) throws InterruptedException {
        Thread.sleep(backoff);
        return backoff.multipliedBy(2);
    }
}
