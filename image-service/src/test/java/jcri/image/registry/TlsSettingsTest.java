package jcri.image.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.net.ssl.SSLContext;
import jcri.image.testing.TestCertificates;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** TLS settings against an HTTPS server on 127.0.0.1 that asks for a client certificate from the test CA. */
class TlsSettingsTest {
    @TempDir
    static Path dir;
    private static TestCertificates certs;
    private static HttpsServer server;

    @BeforeAll
    static void start() throws Exception {
        certs = TestCertificates.create(dir.resolve("pki"));
        var serverTls = new TlsSettings(false, List.of(certs.ca().toString()),
                List.of(new TlsSettings.ClientCertificate(certs.serverCertificate().toString(), certs.serverKey().toString()))).context();
        server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(serverTls) {
            @Override
            public void configure(HttpsParameters parameters) {
                var ssl = getSSLContext().getDefaultSSLParameters();
                ssl.setNeedClientAuth(true);
                parameters.setSSLParameters(ssl);
            }
        });
        server.createContext("/v2/", exchange -> {
            try (exchange) {
                exchange.sendResponseHeaders(200, -1);
            }
        });
        server.start();
    }

    @AfterAll
    static void stop() {
        server.stop(0);
    }

    private static int get(TlsSettings tls) throws Exception {
        try (var client = HttpClient.newBuilder().sslContext(tls.context()).build()) {
            return client.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + server.getAddress().getPort() + "/v2/")).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        }
    }

    private static TlsSettings.ClientCertificate client() {
        return new TlsSettings.ClientCertificate(certs.clientCertificate().toString(), certs.clientKey().toString());
    }

    @Test
    void aClientCertificateAndTheCaGetIn() throws Exception {
        assertEquals(200, get(new TlsSettings(false, List.of(certs.ca().toString()), List.of(client()))));
    }

    @Test
    void withoutTheClientCertificateTheServerRefuses() {
        assertThrows(IOException.class, () -> get(new TlsSettings(false, List.of(certs.ca().toString()), List.of())));
    }

    @Test
    void withoutTheCaTheServerIsNotTrustedUnlessVerificationIsSkipped() throws Exception {
        assertThrows(IOException.class, () -> get(new TlsSettings(false, List.of(), List.of(client()))));
        assertEquals(200, get(new TlsSettings(true, List.of(), List.of(client()))));
    }

    @Test
    void noSettingsMeanTheJdkDefault() throws Exception {
        assertSame(SSLContext.getDefault(), TlsSettings.DEFAULT.context());
    }

    @Test
    void unusableFilesAreNamed() throws Exception {
        var missing = assertThrows(UncheckedIOException.class,
                () -> new TlsSettings(false, List.of(dir.resolve("nope.crt").toString()), List.of()).context());
        assertTrue(missing.getMessage().startsWith("cannot read CA file " + dir.resolve("nope.crt")), missing.getMessage());
        var pkcs1 = dir.resolve("rsa.key");
        Files.writeString(pkcs1, "-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----\n");
        var wrongFormat = assertThrows(IllegalArgumentException.class, () -> new TlsSettings(false, List.of(),
                List.of(new TlsSettings.ClientCertificate(certs.clientCertificate().toString(), pkcs1.toString()))).context());
        assertTrue(wrongFormat.getMessage().startsWith("client key " + pkcs1 + " is not an unencrypted PKCS#8 PEM key"), wrongFormat.getMessage());
    }
}
