package jcri.critest.kubelet;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.regex.Pattern;

/**
 * A Kubernetes API server on 127.0.0.1 (plain HTTP) that keeps nothing: every list the kubelet makes is empty and its
 * watches stay open without events, every object it creates is accepted (and forgotten), its node exists when asked
 * for by name, and everything else is not found. A kubelet with a client sees all its pod sources (files and this API)
 * ready, as it must to stop pods whose manifests went, and initializes its CSINode (without which it exits); kubelet
 * v1.32 needs a client for its RuntimeClass manager (see {@link KubeletVersion#V1_32}).
 */
final class StubApiServer implements AutoCloseable {
    /** A collection the kubelet lists and watches: its API version and list kind. */
    private record Collection(String apiVersion, String listKind) {
    }

    /** The collections by path. */
    private static final Map<String, Collection> LISTS = Map.of("/api/v1/nodes", new Collection("v1", "NodeList"),
            "/api/v1/pods", new Collection("v1", "PodList"), "/api/v1/services", new Collection("v1", "ServiceList"),
            "/apis/node.k8s.io/v1/runtimeclasses", new Collection("node.k8s.io/v1", "RuntimeClassList"),
            "/apis/storage.k8s.io/v1/csidrivers", new Collection("storage.k8s.io/v1", "CSIDriverList"));
    private static final Pattern NODE = Pattern.compile("/api/v1/nodes/([^/]+)");
    private static final Pattern WATCH = Pattern.compile("(^|&)watch=(true|1)(&|$)");
    private static final Pattern TIMEOUT = Pattern.compile("(?:^|&)timeoutSeconds=(\\d+)");
    private final HttpServer server;
    private volatile boolean closed;

    private StubApiServer(HttpServer server) {
        this.server = server;
    }

    /** Starts one on a free port. */
    static StubApiServer start() throws IOException {
        var stub = new StubApiServer(HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0));
        stub.server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        stub.server.createContext("/", stub::handle);
        stub.server.start();
        return stub;
    }

    /** A kubeconfig for it. */
    String kubeconfig() {
        return """
                apiVersion: v1
                kind: Config
                clusters: [{name: stub, cluster: {server: "http://127.0.0.1:%d"}}]
                users: [{name: kubelet, user: {}}]
                contexts: [{name: stub, context: {cluster: stub, user: kubelet}}]
                current-context: stub
                """.formatted(server.getAddress().getPort());
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            var path = exchange.getRequestURI().getPath();
            var query = java.util.Objects.requireNonNullElse(exchange.getRequestURI().getRawQuery(), "");
            var node = NODE.matcher(path);
            var get = exchange.getRequestMethod().equals("GET");
            if (exchange.getRequestMethod().equals("POST")) {
                var body = exchange.getRequestBody().readAllBytes(); // the object created, in the client's encoding
                exchange.getResponseHeaders().set("Content-Type", exchange.getRequestHeaders().getFirst("Content-Type"));
                send(exchange, 201, body);
            } else if (get && node.matches()) {
                respond(exchange, 200, "{\"kind\":\"Node\",\"apiVersion\":\"v1\",\"metadata\":{\"name\":\"%s\",\"uid\":\"%s\",\"resourceVersion\":\"1\"}}"
                        .formatted(node.group(1), java.util.UUID.nameUUIDFromBytes(node.group(1).getBytes(StandardCharsets.UTF_8))));
            } else if (get && LISTS.containsKey(path) && WATCH.matcher(query).find()) {
                watch(exchange, query);
            } else if (get && LISTS.containsKey(path)) {
                var list = LISTS.get(path);
                respond(exchange, 200, "{\"kind\":\"%s\",\"apiVersion\":\"%s\",\"metadata\":{\"resourceVersion\":\"1\"},\"items\":[]}"
                        .formatted(list.listKind(), list.apiVersion()));
            } else {
                respond(exchange, 404, "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\",\"reason\":\"NotFound\",\"code\":404}");
            }
        }
    }

    /** A watch without events, open until its {@code timeoutSeconds} or this server closes. */
    private void watch(HttpExchange exchange, String query) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(200, 0);
        exchange.getResponseBody().flush();
        var timeout = TIMEOUT.matcher(query);
        long end = System.nanoTime() + (timeout.find() ? Long.parseLong(timeout.group(1)) : 300) * 1_000_000_000L;
        try {
            while (!closed && System.nanoTime() < end) {
                Thread.sleep(1000);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void respond(HttpExchange exchange, int code, String json) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        send(exchange, code, json.getBytes(StandardCharsets.UTF_8));
    }

    private static void send(HttpExchange exchange, int code, byte[] body) throws IOException {
        exchange.sendResponseHeaders(code, body.length);
        exchange.getResponseBody().write(body);
    }

    @Override
    public void close() {
        closed = true;
        server.stop(0);
    }
}
