package jcri.image.registry;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.ProxySelector;
import java.net.SocketAddress;
import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The proxies of the daemon's environment, chosen as Go programs (containerd) do: {@code HTTPS_PROXY} for https
 * URIs, {@code HTTP_PROXY} for http ones (upper case first, then lower case), unless {@link NoProxyRules}
 * ({@code NO_PROXY}, {@code no_proxy}) exempt the host. A proxy is {@code http://host[:port]} (port 80 when left
 * out) or just {@code host[:port]}; the JDK's HTTP client cannot speak to https or SOCKS proxies, nor send proxy
 * credentials, so those are refused when the environment is read.
 */
public final class EnvironmentProxySelector extends ProxySelector {
    private final Optional<Proxy> https;
    private final Optional<Proxy> http;
    private final NoProxyRules exempt;

    EnvironmentProxySelector(Optional<Proxy> https, Optional<Proxy> http, NoProxyRules exempt) {
        this.https = https;
        this.http = http;
        this.exempt = exempt;
    }

    /** Reads the proxy variables of {@code environment}; a value it cannot use is an {@link IllegalArgumentException}. */
    public static EnvironmentProxySelector from(Map<String, String> environment) {
        return new EnvironmentProxySelector(proxy(environment, "HTTPS_PROXY"), proxy(environment, "HTTP_PROXY"),
                NoProxyRules.parse(variable(environment, "NO_PROXY").map(Map.Entry::getValue).orElse(null)));
    }

    /** True when any proxy is set, so the caller can say so once. */
    public boolean proxies() {
        return https.isPresent() || http.isPresent();
    }

    @Override
    public List<Proxy> select(URI uri) {
        var proxy = "https".equalsIgnoreCase(uri.getScheme()) ? https : "http".equalsIgnoreCase(uri.getScheme()) ? http : Optional.<Proxy>empty();
        if (proxy.isEmpty() || uri.getHost() == null) {
            return List.of(Proxy.NO_PROXY);
        }
        int port = uri.getPort() != -1 ? uri.getPort() : "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
        return List.of(exempt.exempts(uri.getHost(), port) ? Proxy.NO_PROXY : proxy.get());
    }

    @Override
    public void connectFailed(URI uri, SocketAddress address, IOException failure) {
        // the pull reports the failure; there is no other proxy to fall back to
    }

    @Override
    public String toString() {
        return "https " + https.map(p -> p.address().toString()).orElse("direct") + ", http "
                + http.map(p -> p.address().toString()).orElse("direct");
    }

    private static Optional<Proxy> proxy(Map<String, String> environment, String name) {
        var found = variable(environment, name);
        if (found.isEmpty()) {
            return Optional.empty();
        }
        var key = found.get().getKey();
        var value = found.get().getValue().strip();
        URI uri;
        try {
            uri = URI.create(value.contains("://") ? value : "http://" + value);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(key + " is not a proxy URL (got '" + value + "')");
        }
        if (!"http".equalsIgnoreCase(uri.getScheme())) {
            throw new IllegalArgumentException(key + " uses scheme '" + uri.getScheme()
                    + "': only http:// proxies are supported (got '" + value + "')");
        }
        if (uri.getHost() == null) {
            throw new IllegalArgumentException(key + " names no proxy host (got '" + value + "')");
        }
        if (uri.getUserInfo() != null) {
            throw new IllegalArgumentException(key + " carries credentials, which jcri cannot send to a proxy");
        }
        return Optional.of(new Proxy(Proxy.Type.HTTP,
                InetSocketAddress.createUnresolved(uri.getHost(), uri.getPort() == -1 ? 80 : uri.getPort())));
    }

    /** The upper-case variable if set and not empty, else the lower-case one, as Go reads them. */
    private static Optional<Map.Entry<String, String>> variable(Map<String, String> environment, String upper) {
        for (var key : List.of(upper, upper.toLowerCase(Locale.ROOT))) {
            var value = environment.get(key);
            if (value != null && !value.isBlank()) {
                return Optional.of(Map.entry(key, value));
            }
        }
        return Optional.empty();
    }
}
