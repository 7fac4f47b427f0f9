package jcri.runtime.stream;

/**
 * The exec/attach/port-forward server.
 *
 * @param address the address it listens on
 * @param port its port; 0 picks a free one
 * @param tlsCert PEM certificate; with {@code tlsKey} the server speaks TLS
 * @param tlsKey PEM private key
 * @param tokenTtlSeconds how long an unused streaming URL stays valid
 * @param idleTimeoutSeconds an established stream with no traffic for this long is closed
 */
public record StreamingConfig(
        String address, Integer port, String tlsCert, String tlsKey, Integer tokenTtlSeconds, Integer idleTimeoutSeconds) {
    public StreamingConfig {
        address = address == null || address.isBlank() ? "127.0.0.1" : address;
        port = port == null ? 0 : port;
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be between 0 and 65535 (got " + port + ")");
        }
        tlsCert = tlsCert == null ? "" : tlsCert;
        tlsKey = tlsKey == null ? "" : tlsKey;
        if (tlsCert.isEmpty() != tlsKey.isEmpty()) {
            throw new IllegalArgumentException("tls_cert and tls_key must be set together");
        }
        tokenTtlSeconds = tokenTtlSeconds == null ? 60 : tokenTtlSeconds;
        idleTimeoutSeconds = idleTimeoutSeconds == null ? 4 * 3600 : idleTimeoutSeconds;
        if (tokenTtlSeconds <= 0 || idleTimeoutSeconds <= 0) {
            throw new IllegalArgumentException("token_ttl_seconds and idle_timeout_seconds must be positive");
        }
    }

    public static StreamingConfig defaults() {
        return new StreamingConfig(null, null, null, null, null, null);
    }
}
