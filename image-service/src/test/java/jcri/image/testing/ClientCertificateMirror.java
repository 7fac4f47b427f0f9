package jcri.image.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import jcri.image.registry.TlsSettings;

/**
 * An HTTPS mirror on 127.0.0.1 of a plain-HTTP registry that only answers clients presenting a certificate of
 * {@link TestCertificates}' CA; it forwards {@code /v2/} GETs and records their paths.
 */
public final class ClientCertificateMirror implements AutoCloseable {
    private final HttpsServer server;
    private final String registry;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final List<String> requests = new CopyOnWriteArrayList<>();

    public ClientCertificateMirror(String registryHost, TestCertificates certs) throws IOException {
        this.registry = registryHost;
        var tls = new TlsSettings(false, List.of(certs.ca().toString()), List.of(
                new TlsSettings.ClientCertificate(certs.serverCertificate().toString(), certs.serverKey().toString()))).context();
        server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        server.setHttpsConfigurator(new HttpsConfigurator(tls) {
            @Override
            public void configure(HttpsParameters parameters) {
                var ssl = getSSLContext().getDefaultSSLParameters();
                ssl.setNeedClientAuth(true);
                parameters.setSSLParameters(ssl);
            }
        });
        server.createContext("/v2/", this::forward);
        server.setExecutor(java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor());
        server.start();
    }

    /** {@code https://127.0.0.1:PORT}. */
    public String url() {
        return "https://127.0.0.1:" + server.getAddress().getPort();
    }

    /** The paths asked for so far. */
    public List<String> requests() {
        return List.copyOf(requests);
    }

    private void forward(HttpExchange exchange) throws IOException {
        try (exchange) {
            requests.add(exchange.getRequestURI().getPath());
            RegistryForwarding.forward(exchange, registry, http);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
