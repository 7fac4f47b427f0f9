package jcri.config;

import java.util.List;

/**
 * Pod networking.
 *
 * @param confDir where CNI conflists are read from (the first in lexical order is used)
 * @param binDirs where CNI plugins are searched, in order
 */
public record CniConfig(String confDir, List<String> binDirs) {
    public CniConfig {
        confDir = JcriConfig.nonEmpty(confDir, "/etc/cni/net.d");
        binDirs = binDirs == null || binDirs.isEmpty() ? List.of("/opt/cni/bin", "/usr/lib/cni") : List.copyOf(binDirs);
    }

    static CniConfig defaults() {
        return new CniConfig(null, null);
    }
}
