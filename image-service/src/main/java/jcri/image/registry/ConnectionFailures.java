package jcri.image.registry;

import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import javax.net.ssl.SSLException;

/**
 * Says in words why a request to a registry endpoint failed. Java's HTTP client reports most
 * connection failures as exceptions without a message (a refused or unresolvable host surfaces
 * as a bare {@code ConnectException}); the cause chain tells which failure it was.
 */
final class ConnectionFailures {
    private ConnectionFailures() {
    }

    /** "host name not resolved", "connection refused", "connection timed out", "TLS failed: …", or the exception itself. */
    static String describe(IOException failure) {
        var chain = new ArrayList<Throwable>();
        for (Throwable t = failure; t != null && !chain.contains(t); t = t.getCause()) {
            chain.add(t);
        }
        if (any(chain, t -> t instanceof UnresolvedAddressException || t instanceof UnknownHostException)) {
            return "host name not resolved";
        }
        if (any(chain, t -> t instanceof HttpConnectTimeoutException)) {
            return "connection timed out";
        }
        if (any(chain, t -> t instanceof HttpTimeoutException)) {
            return "no answer in time";
        }
        for (var t : chain) {
            if (t instanceof SSLException) {
                return "TLS failed: " + t.getMessage();
            }
        }
        if (any(chain, t -> t instanceof NoRouteToHostException)) {
            return "no route to host";
        }
        if (any(chain, t -> t instanceof ConnectException)) {
            return "connection refused";
        }
        for (var t : chain) {
            if (t.getMessage() != null) {
                return t.getMessage();
            }
        }
        return failure.getClass().getSimpleName();
    }

    private static boolean any(List<Throwable> chain, Predicate<Throwable> test) {
        return chain.stream().anyMatch(test);
    }
}
