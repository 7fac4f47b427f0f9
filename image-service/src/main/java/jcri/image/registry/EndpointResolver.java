package jcri.image.registry;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import jcri.image.RegistryHost;
import jcri.image.ref.ImageReference;

/**
 * Turns a registry host into the endpoints to try, in order: configured mirrors, then the host
 * itself. The host is reached over HTTPS unless configured {@code plain_http}; a loopback host
 * without config is tried over HTTPS and then plain HTTP, as Docker allows for local registries. The settings can be
 * replaced while pulls run ({@link #configure}): a pull uses those it started with.
 */
public final class EndpointResolver {
    private static final RegistryHost NO_CONFIG = new RegistryHost(null, null, null, null);
    private volatile Map<String, RegistryHost> hosts;
    private final Map<RegistryHost, HttpClient> clients = new ConcurrentHashMap<>();
    /** Loopback hosts whose HTTPS probe failed: they are asked over plain HTTP directly from then on. */
    private final Set<String> plainHttpHosts = ConcurrentHashMap.newKeySet();

    public EndpointResolver(Map<String, RegistryHost> hosts) {
        this.hosts = Map.copyOf(hosts);
    }

    /**
     * Uses {@code hosts} from the next pull on; what was learnt of the old settings (TLS clients, so CA files are read
     * again, and loopback hosts that only speak plain HTTP) is forgotten.
     */
    public void configure(Map<String, RegistryHost> hosts) {
        this.hosts = Map.copyOf(hosts);
        clients.clear();
        plainHttpHosts.clear();
    }

    public List<Endpoint> endpoints(String domain) {
        var hosts = this.hosts;
        var configured = hosts.get(domain);
        var host = configured == null ? NO_CONFIG : configured;
        var endpoints = new ArrayList<Endpoint>();
        for (var mirror : host.mirrors()) {
            var uri = URI.create(mirror.contains("://") ? mirror : "https://" + mirror);
            var mirrorHost = hosts.getOrDefault(uri.getAuthority(), NO_CONFIG);
            endpoints.add(new Endpoint(URI.create(uri.getScheme() + "://" + uri.getAuthority()), client(mirrorHost), true, false));
        }
        var authority = domain.equals(ImageReference.DOCKER_HUB) ? "registry-1.docker.io" : domain;
        if (host.plainHttp()) {
            endpoints.add(new Endpoint(URI.create("http://" + authority), client(host), false, false));
        } else if (configured == null && isLoopback(domain)) {
            if (!plainHttpHosts.contains(domain)) {
                endpoints.add(new Endpoint(URI.create("https://" + authority), client(host), false, true));
            }
            endpoints.add(new Endpoint(URI.create("http://" + authority), client(host), false, false));
        } else {
            endpoints.add(new Endpoint(URI.create("https://" + authority), client(host), false, false));
        }
        return endpoints;
    }

    /** Remembers that {@code domain}'s HTTPS probe failed, so later pulls skip it. */
    public void probeFailed(String domain) {
        plainHttpHosts.add(domain);
    }

    static boolean isLoopback(String domain) {
        var host = domain.startsWith("[") ? domain.substring(1, domain.indexOf(']'))
                : domain.contains(":") ? domain.substring(0, domain.lastIndexOf(':')) : domain;
        if (host.equals("localhost")) {
            return true;
        }
        if (!host.matches("[0-9.]+|[0-9a-fA-F:]+")) {
            return false; // a name other than localhost is never resolved just to decide this
        }
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    private HttpClient client(RegistryHost host) {
        return clients.computeIfAbsent(host, h -> HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(15))
                .followRedirects(HttpClient.Redirect.NORMAL)
                .sslContext(sslContext(h))
                .build());
    }

    private static SSLContext sslContext(RegistryHost host) {
        try {
            if (host.insecureSkipVerify()) {
                var context = SSLContext.getInstance("TLS");
                context.init(null, new TrustManager[] {new TrustAll()}, null);
                return context;
            }
            if (host.caFile().isEmpty()) {
                return SSLContext.getDefault();
            }
            var store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            var defaults = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            defaults.init((KeyStore) null);
            int n = 0;
            for (var tm : defaults.getTrustManagers()) {
                if (tm instanceof X509TrustManager x509) {
                    for (var cert : x509.getAcceptedIssuers()) {
                        store.setCertificateEntry("default-" + n++, cert);
                    }
                }
            }
            try (InputStream in = Files.newInputStream(Path.of(host.caFile()))) {
                for (var cert : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                    store.setCertificateEntry("ca-" + n++, cert);
                }
            }
            var factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(store);
            var context = SSLContext.getInstance("TLS");
            context.init(null, factory.getTrustManagers(), null);
            return context;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read CA file " + host.caFile(), e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot set up TLS for a registry: " + e.getMessage(), e);
        }
    }

    /** Accepts every certificate: only for hosts configured {@code insecure_skip_verify}. */
    private static final class TrustAll implements X509TrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
