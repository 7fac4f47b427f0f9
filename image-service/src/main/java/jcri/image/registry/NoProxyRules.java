package jcri.image.registry;

import java.math.BigInteger;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The hosts a {@code NO_PROXY} value exempts from the proxy, matched as Go's {@code ProxyFromEnvironment} does:
 * comma-separated entries; {@code *} exempts everything; {@code example.com} matches that host and its subdomains,
 * {@code .example.com} and {@code *.example.com} only its subdomains; an IP matches itself, a CIDR the IPs inside it
 * (host names are never resolved for this); an entry with {@code :port} matches only that port. Loopback
 * ({@code localhost} and loopback IPs) is always exempt, whatever the value says.
 */
public final class NoProxyRules {
    private final boolean all;
    private final List<Rule> rules;

    private NoProxyRules(boolean all, List<Rule> rules) {
        this.all = all;
        this.rules = rules;
    }

    /** Parses a {@code NO_PROXY} value; null or blank exempts only loopback. */
    public static NoProxyRules parse(String value) {
        var rules = new ArrayList<Rule>();
        if (value == null) {
            return new NoProxyRules(false, rules);
        }
        for (var raw : value.split(",")) {
            var entry = raw.strip().toLowerCase(Locale.ROOT);
            if (entry.isEmpty()) {
                continue;
            }
            if (entry.equals("*")) {
                return new NoProxyRules(true, List.of());
            }
            rules.add(Rule.parse(entry));
        }
        return new NoProxyRules(false, List.copyOf(rules));
    }

    /** True when a connection to {@code host} (a name or IP literal, IPv6 with or without brackets) on {@code port} goes direct. */
    public boolean exempts(String host, int port) {
        var name = host.toLowerCase(Locale.ROOT);
        if (name.startsWith("[") && name.endsWith("]")) {
            name = name.substring(1, name.length() - 1);
        }
        if (name.endsWith(".")) {
            name = name.substring(0, name.length() - 1);
        }
        var ip = ipLiteral(name);
        if (all || name.equals("localhost") || (ip != null && ip.isLoopbackAddress())) {
            return true;
        }
        for (var rule : rules) {
            if (rule.matches(name, ip, port)) {
                return true;
            }
        }
        return false;
    }

    /** The address an IP literal denotes, or null for a host name (which is never looked up). */
    static InetAddress ipLiteral(String text) {
        if (!text.matches("[0-9.]+|[0-9a-f:.]*:[0-9a-f:.]*")) {
            return null;
        }
        try {
            return InetAddress.ofLiteral(text);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** One entry: a domain (with or without subdomains), an IP, or a CIDR; port 0 means any. */
    private record Rule(String domain, boolean alsoItself, InetAddress ip, int prefix, int port) {
        static Rule parse(String entry) {
            int slash = entry.indexOf('/');
            if (slash > 0) {
                var network = ipLiteral(entry.substring(0, slash));
                int prefix = prefixLength(entry.substring(slash + 1));
                if (network != null && prefix >= 0 && prefix <= network.getAddress().length * 8) {
                    return new Rule(null, false, network, prefix, 0);
                }
            }
            var host = entry;
            int port = 0;
            var whole = ipLiteral(host);
            if (whole == null) {
                int colon = host.lastIndexOf(':');
                int bracket = host.lastIndexOf(']');
                if (colon > bracket && colon > 0 && host.substring(colon + 1).matches("[0-9]{1,5}")) {
                    port = Integer.parseInt(host.substring(colon + 1));
                    host = host.substring(0, colon);
                }
                if (host.startsWith("[") && host.endsWith("]")) {
                    host = host.substring(1, host.length() - 1);
                }
                whole = ipLiteral(host);
            }
            if (whole != null) {
                return new Rule(null, false, whole, whole.getAddress().length * 8, port);
            }
            if (host.startsWith("*.")) {
                host = host.substring(1);
            }
            if (host.endsWith(".")) {
                host = host.substring(0, host.length() - 1);
            }
            boolean itself = !host.startsWith(".");
            return new Rule(itself ? "." + host : host, itself, null, 0, port);
        }

        boolean matches(String host, InetAddress hostIp, int hostPort) {
            if (port != 0 && port != hostPort) {
                return false;
            }
            if (ip != null) {
                return hostIp != null && inNetwork(hostIp);
            }
            return host.endsWith(domain) || (alsoItself && host.equals(domain.substring(1)));
        }

        private boolean inNetwork(InetAddress address) {
            var a = address.getAddress();
            var b = ip.getAddress();
            if (a.length != b.length) {
                return false;
            }
            int bits = a.length * 8;
            var mask = BigInteger.ONE.shiftLeft(bits).subtract(BigInteger.ONE).shiftRight(prefix).not();
            return new BigInteger(1, a).and(mask).equals(new BigInteger(1, b).and(mask));
        }

        private static int prefixLength(String text) {
            return text.matches("[0-9]{1,3}") ? Integer.parseInt(text) : -1;
        }
    }
}
