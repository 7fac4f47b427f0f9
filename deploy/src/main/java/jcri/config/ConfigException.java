package jcri.config;

/** A config file jcrid refuses to start with; the message names the key and what is allowed. */
public final class ConfigException extends RuntimeException {
    public ConfigException(String message) {
        super(message);
    }
}
