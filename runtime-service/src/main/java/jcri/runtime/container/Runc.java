package jcri.runtime.container;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import jcri.api.CriException;
import jcri.process.Command;
import jcri.runtime.info.OciRuntimeFeatures;

/** The runc-compatible OCI runtime CLI (runc, crun) for one handler: start, kill, delete, state, update. */
public final class Runc implements OciRuntime {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private final Path binary;
    private final Path root;
    private final boolean systemdCgroup;
    private final OciRuntimeFeatures features;

    /** {@code features}: what the binary implements, as {@link OciRuntimeFeatures#probe} found at start. */
    public Runc(Path binary, Path root, boolean systemdCgroup, OciRuntimeFeatures features) {
        this.binary = binary;
        this.root = root;
        this.systemdCgroup = systemdCgroup;
        this.features = features;
    }

    public Path binary() {
        return binary;
    }

    public OciRuntimeFeatures features() {
        return features;
    }

    /** Global arguments conmon must pass before the command. */
    public List<String> globalArgs() {
        var args = new ArrayList<>(List.of("--root=" + root));
        if (systemdCgroup) {
            args.add("--systemd-cgroup");
        }
        return args;
    }

    public void start(String id) throws IOException, InterruptedException {
        run("start", id);
    }

    @Override
    public void kill(String id, String signal, boolean all) throws IOException, InterruptedException {
        var result = Command.run(command(all ? List.of("kill", "--all", id, signal) : List.of("kill", id, signal)), TIMEOUT);
        if (!result.ok() && !notRunning(result.error())) {
            throw CriException.internal("runc kill " + id + " " + signal + ": " + result.error(), null);
        }
    }

    @Override
    public void delete(String id) throws IOException, InterruptedException {
        var result = Command.run(command(List.of("delete", "--force", id)), TIMEOUT);
        if (!result.ok() && !result.error().contains("does not exist") && !result.error().contains("not exist")) {
            throw CriException.internal("runc delete " + id + ": " + result.error(), null);
        }
    }

    @Override
    public Optional<State> state(String id) throws IOException, InterruptedException {
        var result = Command.run(command(List.of("state", id)), TIMEOUT);
        if (!result.ok()) {
            return Optional.empty();
        }
        var node = JSON.readTree(result.stdout());
        return Optional.of(new State(node.path("status").asText(""), node.path("pid").asLong(0)));
    }

    /** Applies new resource limits ({@code linux.resources} JSON in {@code file}) to a running container. */
    public void update(String id, Path file) throws IOException, InterruptedException {
        run("update", "--resources", file.toString(), id);
    }

    private void run(String... args) throws IOException, InterruptedException {
        var result = Command.run(command(List.of(args)), TIMEOUT);
        if (!result.ok()) {
            throw CriException.internal(binary.getFileName() + " " + args[0] + " " + args[args.length - 1] + " failed: " + result.error(), null);
        }
    }

    private List<String> command(List<String> args) {
        var all = new ArrayList<String>();
        all.add(binary.toString());
        all.addAll(globalArgs());
        all.addAll(args);
        return all;
    }

    private static boolean notRunning(String error) {
        return error.contains("not running") || error.contains("does not exist") || error.contains("container not running");
    }
}
