package jcri.image.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.grpc.Status;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import jcri.api.CriException;
import jcri.image.ref.ImageReference;

/**
 * The node-wide credentials of a Docker {@code config.json} ({@code {"auths": {"host": {"auth": "base64(user:password)"}}}},
 * or {@code username}/{@code password}, {@code identitytoken}, {@code registrytoken}), read again at each lookup so
 * edits apply to the next pull. A key is a registry host, with or without a scheme and path
 * ({@code https://index.docker.io/v1/} stands for Docker Hub); the first key naming the host wins. Credential helpers
 * ({@code credsStore}, {@code credHelpers}) are not run. A missing file means no credentials.
 */
public final class AuthFile {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Optional<Path> file;

    /** The file at {@code path}; an empty path means there is none. */
    public AuthFile(String path) {
        this.file = path == null || path.isBlank() ? Optional.empty() : Optional.of(Path.of(path));
    }

    /** The credentials the file holds for {@code domain} (as in an image reference), anonymous if none. */
    public Credentials credentialsFor(String domain) {
        if (file.isEmpty()) {
            return Credentials.ANONYMOUS;
        }
        var path = file.get();
        JsonNode root;
        try {
            root = JSON.readTree(Files.readString(path));
        } catch (NoSuchFileException e) {
            return Credentials.ANONYMOUS;
        } catch (IOException e) {
            throw unusable(path, "cannot be read as JSON: " + e.getMessage().lines().findFirst().orElse(""));
        }
        var auths = root == null ? null : root.get("auths");
        if (auths == null || auths.isNull()) {
            return Credentials.ANONYMOUS;
        }
        if (!auths.isObject()) {
            throw unusable(path, "has an 'auths' that is not an object");
        }
        var wanted = host(domain);
        for (var entries = auths.properties().iterator(); entries.hasNext(); ) {
            var entry = entries.next();
            if (host(entry.getKey()).equals(wanted)) {
                return credentials(path, entry.getKey(), entry.getValue());
            }
        }
        return Credentials.ANONYMOUS;
    }

    private static Credentials credentials(Path path, String key, JsonNode entry) {
        if (!entry.isObject()) {
            throw unusable(path, "has an entry for '" + key + "' that is not an object");
        }
        try {
            return Credentials.of(text(entry, "username"), text(entry, "password"), text(entry, "auth"), text(entry, "identitytoken"),
                    text(entry, "registrytoken"));
        } catch (CriException e) {
            throw unusable(path, "has an entry for '" + key + "' whose " + e.getMessage().replaceFirst("^auth\\.", ""));
        }
    }

    private static String text(JsonNode entry, String field) {
        var value = entry.get(field);
        return value == null || value.isNull() ? "" : value.asText();
    }

    /** The lower-case host[:port] a key or reference domain names, Docker Hub's aliases as {@code docker.io}. */
    static String host(String key) {
        var text = key.strip().toLowerCase(Locale.ROOT);
        if (text.contains("://")) {
            text = text.substring(text.indexOf("://") + 3);
        }
        if (text.contains("/")) {
            text = text.substring(0, text.indexOf('/'));
        }
        return switch (text) {
            case "index.docker.io", "registry-1.docker.io", "registry.hub.docker.com" -> ImageReference.DOCKER_HUB;
            default -> text;
        };
    }

    private static CriException unusable(Path path, String why) {
        return new CriException(Status.Code.FAILED_PRECONDITION, "auth file " + path + " (images.auth_file) " + why);
    }
}
