package jcri.runtime.network;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.grpc.Status;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Logger;
import jcri.api.CriException;
import jcri.process.Command;
import jcri.store.JsonStore;

/**
 * Runs CNI plugins per the CNI spec: the first conflist of the config dir, each plugin executed
 * with {@code CNI_COMMAND}, {@code CNI_CONTAINERID}, {@code CNI_NETNS}, {@code CNI_IFNAME},
 * {@code CNI_PATH} and {@code CNI_ARGS}, its config on stdin with the previous plugin's result as
 * {@code prevResult} and {@code runtimeConfig} for the capabilities it declares. What ADD used and
 * returned is cached on disk, so DEL works after a restart and after a half-failed ADD.
 * Plugins of type {@code loopback} are run on {@code lo} and stay out of the result chain.
 */
public final class Cni {
    private static final Logger LOG = Logger.getLogger(Cni.class.getName());
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration PLUGIN_TIMEOUT = Duration.ofSeconds(60);
    private static final String IFNAME = "eth0";
    private final Path confDir;
    private final List<Path> binDirs;
    private final JsonStore<Attachment> cache;

    /** What DEL needs: the conflist ADD used, the netns, the CNI_ARGS and the result. */
    public record Attachment(String podId, String confList, String netns, String args, String runtimeConfig, String result) {
    }

    /** Pod identity passed in CNI_ARGS, as the kubelet's runtimes do. */
    public record PodArgs(String name, String namespace, String uid) {
    }

    public Cni(Path confDir, List<Path> binDirs, Path cacheDir) {
        this.confDir = confDir;
        this.binDirs = binDirs;
        this.cache = new JsonStore<>(cacheDir, Attachment.class);
    }

    /** The conflist that ADD would use now, if any: the first regular file of the config dir by name (as RuntimeConditions counts them). */
    public Optional<Path> confList() {
        if (!Files.isDirectory(confDir)) {
            return Optional.empty();
        }
        try (var files = Files.list(confDir)) {
            return files.filter(f -> Files.isRegularFile(f) && (f.toString().endsWith(".conflist")
                            || f.toString().endsWith(".conf") || f.toString().endsWith(".json")))
                    .sorted().findFirst();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** Attaches the pod's netns to the network. On failure the attachment is undone (DEL) before the error. */
    public CniResult add(String podId, Path netns, PodArgs pod, List<PortMapping> ports) throws InterruptedException {
        var file = confList().orElseThrow(() -> new CriException(Status.Code.FAILED_PRECONDITION,
                "no CNI network config in " + confDir + ": the pod network is not ready"));
        ObjectNode list;
        try {
            list = normalise((ObjectNode) JSON.readTree(Files.readString(file)));
        } catch (IOException | ClassCastException e) {
            throw new CriException(Status.Code.FAILED_PRECONDITION, "cannot read CNI config " + file + ": " + e.getMessage());
        }
        var args = "IgnoreUnknown=1;K8S_POD_NAMESPACE=" + pod.namespace() + ";K8S_POD_NAME=" + pod.name()
                + ";K8S_POD_INFRA_CONTAINER_ID=" + podId + ";K8S_POD_UID=" + pod.uid();
        var runtimeConfig = JSON.createObjectNode();
        var mappings = runtimeConfig.putArray("portMappings");
        for (var p : ports) {
            var m = mappings.addObject().put("hostPort", p.hostPort()).put("containerPort", p.containerPort())
                    .put("protocol", p.protocol());
            if (!p.hostIP().isEmpty()) {
                m.put("hostIP", p.hostIP());
            }
        }
        cache.put(podId, new Attachment(podId, list.toString(), netns.toString(), args, runtimeConfig.toString(), ""));
        try {
            JsonNode previous = null;
            for (var plugin : list.withArray("plugins")) {
                var output = invoke("ADD", podId, netns.toString(), args, list, (ObjectNode) plugin, runtimeConfig, previous);
                if (!isLoopback(plugin)) {
                    previous = output;
                }
            }
            var result = previous == null ? JSON.createObjectNode() : previous;
            cache.put(podId, new Attachment(podId, list.toString(), netns.toString(), args, runtimeConfig.toString(), result.toString()));
            return new CniResult(ips(result), result.toString());
        } catch (RuntimeException | InterruptedException e) {
            try {
                delete(podId);
            } catch (RuntimeException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw e;
        }
    }

    /** Detaches the pod (plugins in reverse order). Nothing cached means nothing to do. */
    public void delete(String podId) throws InterruptedException {
        var attachment = cache.get(podId);
        if (attachment.isEmpty()) {
            return;
        }
        var a = attachment.get();
        try {
            var list = (ObjectNode) JSON.readTree(a.confList());
            var runtimeConfig = (ObjectNode) JSON.readTree(a.runtimeConfig());
            var previous = a.result().isEmpty() ? null : JSON.readTree(a.result());
            var plugins = new ArrayList<JsonNode>();
            list.withArray("plugins").forEach(plugins::add);
            var netns = Files.exists(Path.of(a.netns())) ? a.netns() : "";
            for (var plugin : plugins.reversed()) {
                invoke("DEL", podId, netns, a.args(), list, (ObjectNode) plugin, runtimeConfig, previous);
            }
        } catch (IOException e) {
            throw CriException.internal("cannot read the CNI cache of pod " + podId + ": " + e.getMessage(), e);
        }
        cache.delete(podId);
    }

    /** The cached result of a pod's ADD, if it succeeded. */
    public Optional<CniResult> cached(String podId) {
        return cache.get(podId).filter(a -> !a.result().isEmpty()).map(a -> {
            try {
                return new CniResult(ips(JSON.readTree(a.result())), a.result());
            } catch (IOException e) {
                return null;
            }
        });
    }

    /** Pods that still have a CNI attachment on record. */
    public List<String> attachedPods() {
        return cache.all().stream().map(Attachment::podId).toList();
    }

    private JsonNode invoke(String command, String podId, String netns, String args, ObjectNode list, ObjectNode plugin,
                            ObjectNode runtimeConfig, JsonNode previous) throws InterruptedException {
        var type = plugin.path("type").asText("");
        var binary = binDirs.stream().map(d -> d.resolve(type)).filter(Files::isExecutable).findFirst()
                .orElseThrow(() -> new CriException(Status.Code.FAILED_PRECONDITION,
                        "CNI plugin '" + type + "' not found in " + binDirs));
        var config = plugin.deepCopy();
        config.put("name", list.path("name").asText("jcri"));
        config.put("cniVersion", list.path("cniVersion").asText("1.0.0"));
        if (previous != null && !isLoopback(plugin)) {
            config.set("prevResult", previous);
        }
        var capabilities = plugin.path("capabilities");
        if (capabilities.path("portMappings").asBoolean(false)) {
            config.putObject("runtimeConfig").set("portMappings", runtimeConfig.get("portMappings"));
        }
        var env = new HashMap<String, String>(Map.of(
                "CNI_COMMAND", command,
                "CNI_CONTAINERID", podId,
                "CNI_NETNS", netns,
                "CNI_IFNAME", isLoopback(plugin) ? "lo" : IFNAME,
                "CNI_PATH", String.join(":", binDirs.stream().map(Path::toString).toList()),
                "CNI_ARGS", args));
        Command.Result result;
        try {
            result = Command.run(List.of(binary.toString()), env, config.toString().getBytes(StandardCharsets.UTF_8), PLUGIN_TIMEOUT);
        } catch (IOException e) {
            throw CriException.internal("CNI plugin " + type + " " + command + " for pod " + podId + " failed: " + e.getMessage(), e);
        }
        if (!result.ok()) {
            var message = result.error();
            int code = 0;
            try {
                var error = JSON.readTree(result.stdout());
                if (error.has("msg")) {
                    message = error.path("msg").asText() + (error.has("details") ? ": " + error.path("details").asText() : "");
                    code = error.path("code").asInt(0);
                }
            } catch (IOException notJson) {
                // keep the raw text
            }
            if (command.equals("DEL")) {
                LOG.warning("CNI plugin " + type + " DEL for pod " + podId + " failed: " + message);
                return previous;
            }
            throw new CriException(status(code), "CNI plugin " + type + " " + command + " for pod " + podId + " failed: " + message);
        }
        if (command.equals("DEL") || result.stdout().isBlank()) {
            return previous;
        }
        try {
            return JSON.readTree(result.stdout());
        } catch (IOException e) {
            throw CriException.internal("CNI plugin " + type + " returned invalid JSON: " + result.stdout(), e);
        }
    }

    /** A single-plugin {@code .conf} becomes a one-entry list. */
    private static ObjectNode normalise(ObjectNode config) {
        if (config.has("plugins")) {
            return config;
        }
        var list = JSON.createObjectNode();
        list.put("name", config.path("name").asText("jcri"));
        list.put("cniVersion", config.path("cniVersion").asText("1.0.0"));
        list.putArray("plugins").add(config);
        return list;
    }

    private static boolean isLoopback(JsonNode plugin) {
        return plugin.path("type").asText("").equals("loopback");
    }

    private static List<String> ips(JsonNode result) {
        var out = new ArrayList<String>();
        for (var ip : result.path("ips")) {
            var address = ip.path("address").asText("");
            if (!address.isEmpty()) {
                out.add(address.contains("/") ? address.substring(0, address.indexOf('/')) : address);
            }
        }
        return out;
    }

    /**
     * The gRPC code for a CNI error code (CNI spec, "Error"): 11 "try again later" → UNAVAILABLE; a configuration
     * the plugin cannot use (1 incompatible version, 2 unsupported field, 4 invalid environment, 6 decoding, 7 invalid
     * network config) → FAILED_PRECONDITION; anything else, including plugin-specific codes → INTERNAL.
     */
    private static Status.Code status(int cniCode) {
        return switch (cniCode) {
            case 11 -> Status.Code.UNAVAILABLE;
            case 1, 2, 4, 6, 7 -> Status.Code.FAILED_PRECONDITION;
            default -> Status.Code.INTERNAL;
        };
    }
}
