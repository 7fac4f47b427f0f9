package jcri.runtime.network;

/** One pod port published on the host, as CNI's {@code portMappings} capability takes it. */
public record PortMapping(int hostPort, int containerPort, String protocol, String hostIP) {
}
