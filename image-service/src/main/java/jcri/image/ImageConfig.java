package jcri.image;

import java.util.Map;

/**
 * The image-service settings of {@code config.toml}: download parallelism, decompression-bomb
 * limits, the optional sandbox image and per-registry hosts.
 *
 * @param maxConcurrentDownloads layers of one pull fetched at once
 * @param maxLayerUnpackedBytes a layer whose unpacked size passes this fails the pull
 * @param maxExpansionRatio a layer whose unpacked size passes this many times its compressed size fails
 * @param pullTimeoutSeconds a pull still running after this long is cancelled (0 = no limit)
 * @param sandboxImage an image kept pinned (never garbage-collected) for pods that use one
 * @param registries settings per registry host ("host" or "host:port")
 * @param authFile a Docker {@code config.json} whose credentials serve pulls that bring none ("" = none)
 * @param configPath a containerd {@code certs.d} directory of {@code <host>/hosts.toml} files ("" = none)
 */
public record ImageConfig(
        Integer maxConcurrentDownloads,
        Long maxLayerUnpackedBytes,
        Integer maxExpansionRatio,
        Integer pullTimeoutSeconds,
        String sandboxImage,
        Map<String, RegistryHost> registries,
        String authFile,
        String configPath) {

    public ImageConfig {
        maxConcurrentDownloads = positive("max_concurrent_downloads", maxConcurrentDownloads, 3);
        maxLayerUnpackedBytes = maxLayerUnpackedBytes == null ? 64L << 30 : maxLayerUnpackedBytes;
        if (maxLayerUnpackedBytes <= 0) {
            throw new IllegalArgumentException("max_layer_unpacked_bytes must be a positive byte count");
        }
        maxExpansionRatio = positive("max_expansion_ratio", maxExpansionRatio, 250);
        pullTimeoutSeconds = pullTimeoutSeconds == null ? 0 : pullTimeoutSeconds;
        if (pullTimeoutSeconds < 0) {
            throw new IllegalArgumentException("pull_timeout_seconds must be 0 (no limit) or more");
        }
        sandboxImage = sandboxImage == null ? "" : sandboxImage;
        registries = registries == null ? Map.of() : Map.copyOf(registries);
        authFile = absoluteOrEmpty("auth_file", authFile, DEFAULT_AUTH_FILE);
        configPath = absoluteOrEmpty("config_path", configPath, DEFAULT_CONFIG_PATH);
    }

    /** Where node-wide registry credentials are looked for unless {@code auth_file} says otherwise. */
    public static final String DEFAULT_AUTH_FILE = "/etc/jcri/auth.json";

    /** Where containerd-style {@code hosts.toml} files are looked for unless {@code config_path} says otherwise. */
    public static final String DEFAULT_CONFIG_PATH = "/etc/jcri/certs.d";

    /** All defaults. */
    public static ImageConfig defaults() {
        return new ImageConfig(null, null, null, null, null, null, null, null);
    }

    private static String absoluteOrEmpty(String key, String value, String fallback) {
        if (value == null) {
            return fallback;
        }
        if (!value.isEmpty() && !value.startsWith("/")) {
            throw new IllegalArgumentException(key + " must be an absolute path or \"\" (got '" + value + "')");
        }
        return value;
    }

    private static int positive(String key, Integer value, int fallback) {
        if (value == null) {
            return fallback;
        }
        if (value <= 0) {
            throw new IllegalArgumentException(key + " must be a positive number (got " + value + ")");
        }
        return value;
    }
}
