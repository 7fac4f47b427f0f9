package jcri.runtime.info;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** Works out whether the runtime and the pod network are ready, and why not. */
public final class RuntimeConditions {
    /** One condition: ready, or a machine-readable reason and a message for people. */
    public record Condition(String type, boolean ready, String reason, String message) {
    }

    private final Path runtimeBinary;
    private final Path cniConfDir;

    public RuntimeConditions(Path runtimeBinary, Path cniConfDir) {
        this.runtimeBinary = runtimeBinary;
        this.cniConfDir = cniConfDir;
    }

    public Condition runtime() {
        if (Files.isExecutable(runtimeBinary)) {
            return new Condition("RuntimeReady", true, "", "");
        }
        return new Condition("RuntimeReady", false, "RuntimeBinaryMissing",
                "the OCI runtime " + runtimeBinary + " is missing or not executable");
    }

    public Condition network() {
        try (Stream<Path> files = Files.list(cniConfDir)) {
            if (files.anyMatch(RuntimeConditions::isNetworkConfig)) {
                return new Condition("NetworkReady", true, "", "");
            }
        } catch (IOException e) {
            // a missing directory reads as "no config"
        }
        return new Condition("NetworkReady", false, "NetworkPluginNotReady",
                "no CNI network config (*.conflist, *.conf, *.json) found in " + cniConfDir);
    }

    private static boolean isNetworkConfig(Path file) {
        var name = file.getFileName().toString();
        return Files.isRegularFile(file) && (name.endsWith(".conflist") || name.endsWith(".conf") || name.endsWith(".json"));
    }
}
