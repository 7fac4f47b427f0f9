package jcri.image;

import java.util.List;

/**
 * Settings for one registry host.
 *
 * @param mirrors endpoints ("https://mirror:5000") tried in order before the host itself
 * @param plainHttp talk HTTP instead of HTTPS to this host
 * @param insecureSkipVerify accept any TLS certificate from this host
 * @param caFile a PEM file of extra CA certificates for this host
 */
public record RegistryHost(List<String> mirrors, Boolean plainHttp, Boolean insecureSkipVerify, String caFile) {
    public RegistryHost {
        mirrors = mirrors == null ? List.of() : List.copyOf(mirrors);
        plainHttp = plainHttp != null && plainHttp;
        insecureSkipVerify = insecureSkipVerify != null && insecureSkipVerify;
        caFile = caFile == null ? "" : caFile;
    }
}
