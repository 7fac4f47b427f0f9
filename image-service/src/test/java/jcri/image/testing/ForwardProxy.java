package jcri.image.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A minimal HTTP proxy on 127.0.0.1 for tests: absolute-form requests are forwarded one per
 * connection, {@code CONNECT} opens a tunnel. Host names in {@code names} are sent to the given
 * loopback port, so a client can only reach such a name (e.g. {@code registry.proxied.test})
 * through this proxy; any other target is refused with 502, so nothing leaves the machine.
 */
public final class ForwardProxy implements AutoCloseable {
    private final ServerSocket server;
    private final Map<String, Integer> names;
    private final List<String> requests = new CopyOnWriteArrayList<>();
    private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();

    /** Starts a proxy that sends each name in {@code names} to {@code 127.0.0.1:port}. */
    public ForwardProxy(Map<String, Integer> names) throws IOException {
        this.names = Map.copyOf(names);
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        threads.submit(this::accept);
    }

    /** {@code http://127.0.0.1:PORT}, a value for {@code HTTP_PROXY}. */
    public String url() {
        return "http://127.0.0.1:" + server.getLocalPort();
    }

    /** The request lines received so far ({@code GET http://host/v2/...}, {@code CONNECT host:443}). */
    public List<String> requests() {
        return List.copyOf(requests);
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                var client = server.accept();
                threads.submit(() -> serve(client));
            } catch (IOException closed) {
                return;
            }
        }
    }

    private Void serve(Socket client) throws IOException {
        try (client) {
            var in = client.getInputStream();
            var head = readHead(in);
            var lines = head.split("\r\n");
            var parts = lines[0].split(" ");
            requests.add(parts[0] + " " + parts[1]);
            var out = client.getOutputStream();
            boolean tunnel = parts[0].equals("CONNECT");
            var target = tunnel ? URI.create("tunnel://" + parts[1]) : URI.create(parts[1]);
            Integer port = names.get(target.getHost());
            if (port == null || target.getPort() == -1) {
                out.write("HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                return null;
            }
            try (var upstream = new Socket()) {
                upstream.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
                var toUpstream = upstream.getOutputStream();
                if (tunnel) {
                    out.write("HTTP/1.1 200 Connection established\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                } else {
                    var rewritten = new StringBuilder(parts[0] + " " + target.getRawPath()
                            + (target.getRawQuery() == null ? "" : "?" + target.getRawQuery()) + " " + parts[2] + "\r\n");
                    for (int i = 1; i < lines.length; i++) {
                        var name = lines[i].substring(0, Math.max(0, lines[i].indexOf(':'))).toLowerCase();
                        if (!name.equals("connection") && !name.equals("proxy-connection")) {
                            rewritten.append(lines[i]).append("\r\n");
                        }
                    }
                    rewritten.append("Connection: close\r\n\r\n");
                    toUpstream.write(rewritten.toString().getBytes(StandardCharsets.ISO_8859_1));
                }
                threads.submit(() -> pipe(in, toUpstream));
                pipe(upstream.getInputStream(), out);
            }
        }
        return null;
    }

    private static Void pipe(InputStream from, OutputStream to) {
        try {
            from.transferTo(to);
            to.flush();
        } catch (IOException closed) {
            // the other side went away: the connection ends
        }
        return null;
    }

    private static String readHead(InputStream in) throws IOException {
        var head = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("connection closed before the request head ended");
            }
            head.write(b);
            matched = (b == "\r\n\r\n".charAt(matched)) ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        return head.toString(StandardCharsets.ISO_8859_1).strip();
    }

    @Override
    public void close() throws IOException {
        server.close();
        threads.shutdownNow();
    }
}
