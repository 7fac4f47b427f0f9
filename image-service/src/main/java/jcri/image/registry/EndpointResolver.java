package jcri.image.registry;

import java.net.InetAddress;
import java.net.ProxySelector;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import jcri.image.RegistryHost;
import jcri.image.ref.ImageReference;

/**
 * Turns a registry host into the endpoints to try, in order. A containerd {@code hosts.toml} for the host (see
 * {@link HostsDirectory}), read at each call, wins: its {@code [host]} mirrors, then its server. Otherwise the
 * {@code [images.registries]} table: configured mirrors, then the host itself, over HTTPS unless configured
 * {@code plain_http}; a loopback host without config is tried over HTTPS and then plain HTTP, as Docker allows for
 * local registries. Connections go through the proxy the given {@link ProxySelector} picks (see
 * {@link EnvironmentProxySelector}). The table can be replaced while pulls run ({@link #configure}): a pull uses the
 * one it started with.
 */
public final class EndpointResolver {
    private static final RegistryHost NO_CONFIG = new RegistryHost(null, null, null, null);
    private volatile Map<String, RegistryHost> hosts;
    private final ProxySelector proxies;
    private final HostsDirectory hostsDirectory;
    /** One client per TLS setting and version of its files: a replaced CA file or client certificate is read anew. */
    private final Map<List<Object>, HttpClient> clients = new ConcurrentHashMap<>();
    /** Loopback hosts whose HTTPS probe failed: they are asked over plain HTTP directly from then on. */
    private final Set<String> plainHttpHosts = ConcurrentHashMap.newKeySet();

    /** Resolves with {@code hosts} and {@code hostsDirectory}; every connection asks {@code proxies} whether to use a proxy. */
    public EndpointResolver(Map<String, RegistryHost> hosts, ProxySelector proxies, HostsDirectory hostsDirectory) {
        this.hosts = Map.copyOf(hosts);
        this.proxies = proxies;
        this.hostsDirectory = hostsDirectory;
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
        var authority = domain.equals(ImageReference.DOCKER_HUB) ? "registry-1.docker.io" : domain;
        var file = hostsDirectory.find(domain, URI.create("https://" + authority));
        if (file.isPresent()) {
            var endpoints = new ArrayList<Endpoint>();
            for (var host : file.get().hosts()) {
                endpoints.add(new Endpoint(host.base(), client(host.tls()), true, false, host.pull(), host.resolve()));
            }
            var server = file.get().server();
            endpoints.add(new Endpoint(server.base(), client(server.tls()), false, false, server.pull(), server.resolve()));
            return endpoints;
        }
        var hosts = this.hosts;
        var configured = hosts.get(domain);
        var host = configured == null ? NO_CONFIG : configured;
        var endpoints = new ArrayList<Endpoint>();
        for (var mirror : host.mirrors()) {
            var uri = URI.create(mirror.contains("://") ? mirror : "https://" + mirror);
            var mirrorHost = hosts.getOrDefault(uri.getAuthority(), NO_CONFIG);
            endpoints.add(new Endpoint(URI.create(uri.getScheme() + "://" + uri.getAuthority()), client(tls(mirrorHost)), true, false));
        }
        var client = client(tls(host));
        if (host.plainHttp()) {
            endpoints.add(new Endpoint(URI.create("http://" + authority), client, false, false));
        } else if (configured == null && isLoopback(domain)) {
            if (!plainHttpHosts.contains(domain)) {
                endpoints.add(new Endpoint(URI.create("https://" + authority), client, false, true));
            }
            endpoints.add(new Endpoint(URI.create("http://" + authority), client, false, false));
        } else {
            endpoints.add(new Endpoint(URI.create("https://" + authority), client, false, false));
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

    private static TlsSettings tls(RegistryHost host) {
        return new TlsSettings(host.insecureSkipVerify(), host.caFile().isEmpty() ? List.of() : List.of(host.caFile()), List.of());
    }

    private HttpClient client(TlsSettings tls) {
        return clients.computeIfAbsent(List.of(tls, tls.fileStamps()), key -> HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(15))
                .followRedirects(HttpClient.Redirect.NORMAL)
                .proxy(proxies)
                .sslContext(tls.context())
                .build());
    }
}
