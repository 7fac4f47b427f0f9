package jcri.runtime.info;

/** The pod CIDR the kubelet handed over with UpdateRuntimeConfig. */
public final class PodCidr {
    private volatile String cidr = "";

    public String get() {
        return cidr;
    }

    public void set(String cidr) {
        this.cidr = cidr == null ? "" : cidr;
    }
}
