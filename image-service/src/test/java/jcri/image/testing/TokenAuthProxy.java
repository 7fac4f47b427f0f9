package jcri.image.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A mock Distribution token service and bearer-checking front for a real registry (Debian's
 * registry cannot issue tokens without a signing PKI): {@code /token} hands out a token for
 * Basic {@code user:password}; every {@code /v2/} GET without that bearer token gets a 401
 * challenge, with it the request is forwarded to the real registry.
 */
public final class TokenAuthProxy implements AutoCloseable {
    private static final String TOKEN = "jcri-test-token";
    private final HttpServer server;
    private final String registry;
    private final String expectedBasic;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final AtomicInteger tokensIssued = new AtomicInteger();

    public TokenAuthProxy(String registryHost, String user, String password) throws IOException {
        this.registry = registryHost;
        this.expectedBasic = "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
        this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
        server.createContext("/token", this::token);
        server.createContext("/v2/", this::forward);
        server.setExecutor(java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor());
        server.start();
    }

    public String host() {
        return "127.0.0.1:" + server.getAddress().getPort();
    }

    /** How many tokens were handed out (a client should cache them). */
    public int tokensIssued() {
        return tokensIssued.get();
    }

    private void token(HttpExchange exchange) throws IOException {
        try (exchange) {
            var query = String.valueOf(exchange.getRequestURI().getQuery());
            if (!expectedBasic.equals(exchange.getRequestHeaders().getFirst("Authorization"))
                    || !query.contains("service=jcri-test") || !query.contains("scope=repository")) {
                exchange.sendResponseHeaders(401, -1);
                return;
            }
            tokensIssued.incrementAndGet();
            var body = ("{\"token\":\"" + TOKEN + "\",\"expires_in\":300}").getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
        }
    }

    private void forward(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (!("Bearer " + TOKEN).equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
                var path = exchange.getRequestURI().getPath();
                var repository = path.replaceFirst("^/v2/", "").replaceFirst("/(manifests|blobs)/.*$", "");
                exchange.getResponseHeaders().add("WWW-Authenticate", "Bearer realm=\"http://" + host()
                        + "/token\",service=\"jcri-test\",scope=\"repository:" + repository + ":pull\"");
                exchange.sendResponseHeaders(401, -1);
                return;
            }
            RegistryForwarding.forward(exchange, registry, http);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
