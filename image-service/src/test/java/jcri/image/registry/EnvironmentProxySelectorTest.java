package jcri.image.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.URI;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EnvironmentProxySelectorTest {
    private static String chosen(EnvironmentProxySelector selector, String uri) {
        var proxies = selector.select(URI.create(uri));
        assertEquals(1, proxies.size());
        var proxy = proxies.getFirst();
        if (proxy.type() == Proxy.Type.DIRECT) {
            return "direct";
        }
        var address = (InetSocketAddress) proxy.address();
        return address.getHostString() + ":" + address.getPort();
    }

    @Test
    void noVariablesMeansDirect() {
        var selector = EnvironmentProxySelector.from(Map.of());
        assertFalse(selector.proxies());
        assertEquals("direct", chosen(selector, "https://quay.io/v2/"));
    }

    @Test
    void theSchemeOfTheRequestPicksTheVariable() {
        var selector = EnvironmentProxySelector.from(Map.of("HTTPS_PROXY", "http://secure.proxy:3128", "HTTP_PROXY", "plain.proxy"));
        assertTrue(selector.proxies());
        assertEquals("secure.proxy:3128", chosen(selector, "https://quay.io/v2/"));
        assertEquals("plain.proxy:80", chosen(selector, "http://reg.lan:5000/v2/"));
    }

    @Test
    void onlyHttpsProxyLeavesPlainHttpDirect() {
        var selector = EnvironmentProxySelector.from(Map.of("https_proxy", "proxy:3128"));
        assertEquals("proxy:3128", chosen(selector, "https://quay.io/v2/"));
        assertEquals("direct", chosen(selector, "http://reg.lan:5000/v2/"));
    }

    @Test
    void upperCaseWinsUnlessItIsEmpty() {
        var selector = EnvironmentProxySelector.from(Map.of("HTTPS_PROXY", "upper:1", "https_proxy", "lower:2",
                "HTTP_PROXY", " ", "http_proxy", "lower:3"));
        assertEquals("upper:1", chosen(selector, "https://quay.io/"));
        assertEquals("lower:3", chosen(selector, "http://quay.io/"));
    }

    @Test
    void noProxyAndLoopbackGoDirectWithTheDefaultPortOfTheScheme() {
        var selector = EnvironmentProxySelector.from(Map.of("HTTPS_PROXY", "proxy:3128", "HTTP_PROXY", "proxy:3128",
                "no_proxy", "internal.lan:443,10.0.0.0/8"));
        assertEquals("direct", chosen(selector, "https://reg.internal.lan/v2/"));
        assertEquals("proxy:3128", chosen(selector, "http://reg.internal.lan/v2/"));
        assertEquals("direct", chosen(selector, "https://10.1.2.3:5000/v2/"));
        assertEquals("direct", chosen(selector, "http://127.0.0.1:5000/v2/"));
        assertEquals("direct", chosen(selector, "http://[::1]:5000/v2/"));
        assertEquals("direct", chosen(selector, "http://localhost:5000/v2/"));
        assertEquals("proxy:3128", chosen(selector, "https://quay.io/v2/"));
    }

    @Test
    void proxiesTheClientCannotUseAreRefusedNamingTheVariable() {
        var socks = assertThrows(IllegalArgumentException.class,
                () -> EnvironmentProxySelector.from(Map.of("HTTPS_PROXY", "socks5://proxy:1080")));
        assertEquals("HTTPS_PROXY uses scheme 'socks5': only http:// proxies are supported (got 'socks5://proxy:1080')", socks.getMessage());
        var tls = assertThrows(IllegalArgumentException.class, () -> EnvironmentProxySelector.from(Map.of("http_proxy", "https://proxy")));
        assertTrue(tls.getMessage().startsWith("http_proxy uses scheme 'https'"), tls.getMessage());
        var credentials = assertThrows(IllegalArgumentException.class,
                () -> EnvironmentProxySelector.from(Map.of("HTTP_PROXY", "http://user:secret@proxy:3128")));
        assertEquals("HTTP_PROXY carries credentials, which jcri cannot send to a proxy", credentials.getMessage());
        assertThrows(IllegalArgumentException.class, () -> EnvironmentProxySelector.from(Map.of("HTTP_PROXY", "http://")));
        assertThrows(IllegalArgumentException.class, () -> EnvironmentProxySelector.from(Map.of("HTTP_PROXY", "proxy host")));
    }

    @Test
    void otherSchemesGoDirect() {
        var selector = EnvironmentProxySelector.from(Map.of("HTTPS_PROXY", "proxy:3128", "HTTP_PROXY", "proxy:3128"));
        assertEquals(List.of(Proxy.NO_PROXY), selector.select(URI.create("ftp://quay.io/")));
    }
}
