package jcri.runtime.info;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Properties;

/** Facts fixed at build time. */
public final class BuildInfo {
    private BuildInfo() {
    }

    /** jcri's version, as the build stamped it. */
    public static String version() {
        var props = new Properties();
        try (var in = BuildInfo.class.getResourceAsStream("/jcri/version.properties")) {
            if (in == null) {
                return "unknown";
            }
            props.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return props.getProperty("version", "unknown");
    }
}
