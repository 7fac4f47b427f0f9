package jcri.image.testing;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/** Answers a GET from test front ends ({@link TokenAuthProxy}, {@link ClientCertificateMirror}) with a plain-HTTP registry's answer. */
final class RegistryForwarding {
    private RegistryForwarding() {
    }

    /** Asks {@code registry} (host:port) for the exchange's path with its Accept header and replies with the answer. */
    static void forward(HttpExchange exchange, String registry, HttpClient http) throws IOException {
        var request = HttpRequest.newBuilder(URI.create("http://" + registry + exchange.getRequestURI()));
        var accept = exchange.getRequestHeaders().getFirst("Accept");
        if (accept != null) {
            request.header("Accept", accept);
        }
        HttpResponse<byte[]> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
        for (var header : new String[] {"Content-Type", "Docker-Content-Digest"}) {
            response.headers().firstValue(header).ifPresent(v -> exchange.getResponseHeaders().add(header, v));
        }
        exchange.sendResponseHeaders(response.statusCode(), response.body().length == 0 ? -1 : response.body().length);
        exchange.getResponseBody().write(response.body());
    }
}
