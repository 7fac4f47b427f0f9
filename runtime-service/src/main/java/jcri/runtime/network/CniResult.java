package jcri.runtime.network;

import java.util.List;

/**
 * What CNI ADD gave a pod: its IPs (primary first, without prefix length) and the raw result
 * JSON that DEL hands back to the plugins as {@code prevResult}.
 */
public record CniResult(List<String> ips, String json) {
    public CniResult {
        ips = List.copyOf(ips);
    }

    public String primaryIp() {
        return ips.isEmpty() ? "" : ips.getFirst();
    }
}
