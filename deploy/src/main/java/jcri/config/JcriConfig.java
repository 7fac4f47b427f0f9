package jcri.config;

import java.util.List;
import jcri.image.ImageConfig;
import jcri.runtime.stream.StreamingConfig;

/**
 * The whole of {@code config.toml}. Every key has a default, so jcrid runs with no file at all.
 *
 * @param root persistent state: content, snapshots, metadata
 * @param state volatile state: pinned namespaces, bundles, conmon files
 * @param socket the CRI endpoint, {@code unix:///path} or a plain path
 * @param logLevel one of error, warn, info, debug
 * @param logFormat {@code text} (one key=value line per record) or {@code json} (one JSON object per line)
 */
public record JcriConfig(
        String root,
        String state,
        String socket,
        String logLevel,
        String logFormat,
        RuntimeConfig runtime,
        CniConfig cni,
        StreamingConfig streaming,
        MetricsConfig metrics,
        ImageConfig images,
        CdiConfig cdi) {

    public JcriConfig {
        root = nonEmpty(root, "/var/lib/jcri");
        state = nonEmpty(state, "/run/jcri");
        socket = socketPath(nonEmpty(socket, state + "/jcri.sock"));
        logLevel = nonEmpty(logLevel, "info");
        if (!List.of("error", "warn", "info", "debug").contains(logLevel)) {
            throw new IllegalArgumentException("log_level must be one of error, warn, info, debug (got '" + logLevel + "')");
        }
        logFormat = nonEmpty(logFormat, "text");
        if (!List.of("text", "json").contains(logFormat)) {
            throw new IllegalArgumentException("log_format must be text or json (got '" + logFormat + "')");
        }
        runtime = runtime == null ? RuntimeConfig.defaults() : runtime;
        cni = cni == null ? CniConfig.defaults() : cni;
        streaming = streaming == null ? StreamingConfig.defaults() : streaming;
        metrics = metrics == null ? MetricsConfig.defaults() : metrics;
        images = images == null ? ImageConfig.defaults() : images;
        cdi = cdi == null ? CdiConfig.defaults() : cdi;
    }

    /** The keys a running jcrid applies when it reloads its configuration (SIGHUP); the others need a restart. */
    public static final List<String> RELOADABLE = List.of("log_level", "log_format", "images.registries");

    /** This configuration with {@code other}'s values of the {@link #RELOADABLE} keys. */
    public JcriConfig withReloadable(JcriConfig other) {
        var i = images;
        return new JcriConfig(root, state, socket, other.logLevel, other.logFormat, runtime, cni, streaming, metrics,
                new ImageConfig(i.maxConcurrentDownloads(), i.maxLayerUnpackedBytes(), i.maxExpansionRatio(), i.pullTimeoutSeconds(),
                        i.sandboxImage(), other.images.registries(), i.authFile(), i.configPath()), cdi);
    }

    /** The embedded defaults. */
    public static JcriConfig defaults() {
        return new JcriConfig(null, null, null, null, null, null, null, null, null, null, null);
    }

    static String nonEmpty(String value, String fallback) {
        return value == null || value.isBlank() ? fallback : value;
    }

    private static String socketPath(String socket) {
        if (socket.startsWith("unix://")) {
            socket = socket.substring("unix://".length());
        }
        if (!socket.startsWith("/")) {
            throw new IllegalArgumentException("socket must be an absolute path or unix:///absolute/path (got '" + socket + "')");
        }
        return socket;
    }
}
