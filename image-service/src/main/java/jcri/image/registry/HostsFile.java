package jcri.image.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * One containerd {@code hosts.toml}: the {@code server} (the registry itself) and the {@code [host."URL"]} entries
 * tried before it, in file order, each with {@code capabilities}, {@code skip_verify}, {@code ca} (a path or a list)
 * and {@code client} (a certificate path with its key beside it as {@code .key}, a {@code [cert, key]} pair or a list
 * of pairs); relative paths are taken from the file's directory. Top-level {@code capabilities}, {@code skip_verify},
 * {@code ca} and {@code client} belong to the server.
 *
 * @param server the registry's own entry
 * @param hosts the mirrors, in the order they are tried
 */
public record HostsFile(Host server, List<Host> hosts) {
    private static final TomlMapper TOML = new TomlMapper();
    private static final Set<String> CAPABILITIES = Set.of("pull", "resolve", "push");

    /**
     * One place to fetch from.
     *
     * @param base scheme, host and port
     * @param pull may serve content by digest
     * @param resolve may turn a tag into a digest
     */
    public record Host(URI base, boolean pull, boolean resolve, TlsSettings tls) {
    }

    /** Reads {@code file}; {@code defaultServer} is the server when the file names none. */
    public static HostsFile read(Path file, URI defaultServer) throws IOException {
        JsonNode root;
        try {
            root = TOML.readTree(Files.readString(file));
        } catch (com.fasterxml.jackson.core.JacksonException e) {
            throw new IllegalArgumentException(file + " is not valid TOML: " + e.getOriginalMessage());
        }
        var dir = file.getParent();
        var server = root.hasNonNull("server") ? url(file, root.get("server").asText()) : defaultServer;
        var hosts = new ArrayList<Host>();
        var table = root.get("host");
        if (table != null) {
            if (!table.isObject()) {
                throw new IllegalArgumentException(file + ": 'host' must be a table of [host.\"URL\"] entries");
            }
            for (var entries = table.properties().iterator(); entries.hasNext(); ) {
                var entry = entries.next();
                hosts.add(host(file, dir, url(file, entry.getKey()), entry.getValue()));
            }
        }
        return new HostsFile(host(file, dir, server, root), List.copyOf(hosts));
    }

    private static Host host(Path file, Path dir, URI base, JsonNode settings) {
        boolean pull = true;
        boolean resolve = true;
        if (settings.has("capabilities")) {
            var given = strings(file, base, "capabilities", settings.get("capabilities"));
            for (var capability : given) {
                if (!CAPABILITIES.contains(capability)) {
                    throw new IllegalArgumentException(file + ": " + base + " has the unknown capability '" + capability
                            + "'; allowed: pull, resolve, push");
                }
            }
            pull = given.contains("pull");
            resolve = given.contains("resolve");
        }
        var skipVerify = settings.path("skip_verify").asBoolean(false);
        var cas = strings(file, base, "ca", settings.get("ca")).stream().map(p -> dir.resolve(p).toString()).toList();
        return new Host(base, pull, resolve, new TlsSettings(skipVerify, cas, clients(file, dir, base, settings.get("client"))));
    }

    private static List<TlsSettings.ClientCertificate> clients(Path file, Path dir, URI base, JsonNode client) {
        if (client == null || client.isNull()) {
            return List.of();
        }
        if (client.isTextual()) {
            var cert = client.asText();
            return List.of(new TlsSettings.ClientCertificate(dir.resolve(cert).toString(),
                    dir.resolve(cert.replaceFirst("\\.(cert|crt|pem)$", "") + ".key").toString()));
        }
        if (client.isArray() && !client.isEmpty() && client.get(0).isTextual()) {
            return List.of(pair(file, dir, base, client));
        }
        if (client.isArray()) {
            var pairs = new ArrayList<TlsSettings.ClientCertificate>();
            client.forEach(p -> pairs.add(pair(file, dir, base, p)));
            return pairs;
        }
        throw new IllegalArgumentException(file + ": " + base + " has a 'client' that is neither a path nor [cert, key] pairs");
    }

    private static TlsSettings.ClientCertificate pair(Path file, Path dir, URI base, JsonNode pair) {
        if (!pair.isArray() || pair.size() != 2 || !pair.get(0).isTextual() || !pair.get(1).isTextual()) {
            throw new IllegalArgumentException(file + ": " + base + " has a 'client' entry that is not a [cert, key] pair");
        }
        return new TlsSettings.ClientCertificate(dir.resolve(pair.get(0).asText()).toString(), dir.resolve(pair.get(1).asText()).toString());
    }

    private static List<String> strings(Path file, URI base, String key, JsonNode value) {
        if (value == null || value.isNull()) {
            return List.of();
        }
        if (value.isTextual()) {
            return List.of(value.asText());
        }
        if (value.isArray()) {
            var list = new ArrayList<String>();
            for (var item : value) {
                if (!item.isTextual()) {
                    throw new IllegalArgumentException(file + ": " + base + " has a '" + key + "' list with a non-string item");
                }
                list.add(item.asText());
            }
            return list;
        }
        throw new IllegalArgumentException(file + ": " + base + " has a '" + key + "' that is neither a string nor a list");
    }

    private static URI url(Path file, String text) {
        URI uri;
        try {
            uri = URI.create(text.contains("://") ? text : "https://" + text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": '" + text + "' is not a URL");
        }
        var scheme = uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("https") && !scheme.equals("http") || uri.getRawAuthority() == null) {
            throw new IllegalArgumentException(file + ": '" + text + "' is not an http:// or https:// URL");
        }
        var path = uri.getRawPath() == null ? "" : uri.getRawPath().replaceAll("/+$", "");
        if (!path.isEmpty() && !path.equals("/v2")) {
            throw new IllegalArgumentException(file + ": '" + text + "' has a path; only host URLs (with or without /v2) are supported");
        }
        return URI.create(scheme + "://" + uri.getRawAuthority());
    }
}
