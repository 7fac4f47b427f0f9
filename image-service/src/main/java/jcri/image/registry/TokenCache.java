package jcri.image.registry;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.grpc.Status;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import jcri.api.CriException;
import jcri.api.Timeouts;

/**
 * Bearer tokens from registries' token services (the Distribution token flow), cached per realm,
 * service, scope and credentials until shortly before they expire.
 */
public final class TokenCache {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration DEFAULT_LIFETIME = Duration.ofSeconds(60);
    private final Map<String, Token> tokens = new ConcurrentHashMap<>();

    private record Token(String value, Instant expires) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    private record TokenResponse(String token, @JsonProperty("access_token") String accessToken,
                                 @JsonProperty("expires_in") Integer expiresIn) {
    }

    /** The {@code Authorization} value answering {@code challenge}, asking the token service if needed. */
    String authorization(HttpClient client, Challenge challenge, Credentials credentials, String registry)
            throws IOException, InterruptedException {
        if (challenge.scheme().equals("basic")) {
            if (!credentials.hasPassword()) {
                throw new CriException(Status.Code.UNAUTHENTICATED,
                        "registry " + registry + " requires a user name and password, and the pull gave none");
            }
            return credentials.basic();
        }
        if (!challenge.scheme().equals("bearer")) {
            throw new CriException(Status.Code.UNAUTHENTICATED,
                    "registry " + registry + " asks for unsupported authentication '" + challenge.scheme() + "'");
        }
        if (!credentials.registryToken().isEmpty()) {
            return "Bearer " + credentials.registryToken();
        }
        // the key holds every secret the token service checks (hashed, never in the clear): a token one password or
        // identity token earned is never handed to a pull that presents another
        var key = challenge.param("realm") + "|" + challenge.param("service") + "|" + challenge.param("scope") + "|"
                + jcri.image.content.Digests.of((credentials.username() + "\0" + credentials.password() + "\0"
                + credentials.identityToken()).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        var cached = tokens.get(key);
        if (cached != null && cached.expires().isAfter(Instant.now())) {
            return "Bearer " + cached.value();
        }
        var token = fetch(client, challenge, credentials, registry);
        tokens.put(key, token);
        return "Bearer " + token.value();
    }

    private static Token fetch(HttpClient client, Challenge challenge, Credentials credentials, String registry)
            throws IOException, InterruptedException {
        var realm = challenge.param("realm");
        if (realm.isEmpty()) {
            throw new CriException(Status.Code.UNAUTHENTICATED, "registry " + registry + " sent a bearer challenge without a realm");
        }
        HttpRequest request;
        if (!credentials.identityToken().isEmpty()) {
            var form = "grant_type=refresh_token&client_id=jcri&refresh_token=" + encode(credentials.identityToken())
                    + "&service=" + encode(challenge.param("service")) + "&scope=" + encode(challenge.param("scope"));
            request = HttpRequest.newBuilder(URI.create(realm)).timeout(Duration.ofSeconds(30))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(form)).build();
        } else {
            var query = new StringBuilder();
            if (!challenge.param("service").isEmpty()) {
                query.append("service=").append(encode(challenge.param("service")));
            }
            if (!challenge.param("scope").isEmpty()) {
                query.append(query.isEmpty() ? "" : "&").append("scope=").append(encode(challenge.param("scope")));
            }
            var builder = HttpRequest.newBuilder(URI.create(realm + (query.isEmpty() ? "" : (realm.contains("?") ? "&" : "?") + query)))
                    .timeout(Duration.ofSeconds(30)).GET();
            if (credentials.hasPassword()) {
                builder.header("Authorization", credentials.basic());
            }
            request = builder.build();
        }
        var response = client.send(request, HttpResponse.BodyHandlers.ofByteArray());
        if (response.statusCode() == 401 || response.statusCode() == 403) {
            throw new CriException(Status.Code.UNAUTHENTICATED, "registry " + registry + " refused the credentials: its token service "
                    + realm + " answered HTTP " + response.statusCode());
        }
        if (response.statusCode() / 100 != 2) {
            throw new IOException("token service " + realm + " answered HTTP " + response.statusCode());
        }
        var body = JSON.readValue(response.body(), TokenResponse.class);
        var value = body.token() != null && !body.token().isEmpty() ? body.token() : body.accessToken();
        if (value == null || value.isEmpty()) {
            throw new IOException("token service " + realm + " returned no token");
        }
        var lifetime = body.expiresIn() == null || body.expiresIn() <= 0 ? DEFAULT_LIFETIME : Timeouts.seconds(body.expiresIn());
        return new Token(value, Instant.now().plus(lifetime).minusSeconds(Math.min(10, lifetime.toSeconds() / 2)));
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
