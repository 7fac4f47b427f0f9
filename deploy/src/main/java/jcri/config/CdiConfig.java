package jcri.config;

import java.util.List;

/**
 * CDI (Container Device Interface) devices.
 *
 * @param specDirs where CDI spec files are read from; a device in a later directory replaces one of the same name in
 *        an earlier one
 */
public record CdiConfig(List<String> specDirs) {
    public CdiConfig {
        specDirs = specDirs == null ? List.of("/etc/cdi", "/var/run/cdi") : List.copyOf(specDirs);
        if (specDirs.stream().anyMatch(d -> !d.startsWith("/"))) {
            throw new IllegalArgumentException("spec_dirs must be absolute paths (got " + specDirs + ")");
        }
    }

    static CdiConfig defaults() {
        return new CdiConfig(null);
    }
}
