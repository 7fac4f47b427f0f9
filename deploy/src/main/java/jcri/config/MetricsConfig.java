package jcri.config;

/**
 * The Prometheus endpoint.
 *
 * @param address {@code host:port} serving {@code /metrics}; empty turns it off
 */
public record MetricsConfig(String address) {
    public MetricsConfig {
        address = address == null ? "127.0.0.1:9464" : address;
        if (!address.isEmpty() && address.lastIndexOf(':') <= 0) {
            throw new IllegalArgumentException("address must be host:port or empty (got '" + address + "')");
        }
    }

    static MetricsConfig defaults() {
        return new MetricsConfig(null);
    }
}
