package jcri.runtime.info;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.logging.Logger;
import java.util.regex.Pattern;
import jcri.process.Command;

/**
 * The mount options an OCI runtime binary implements, as it says itself ({@code <runtime> features}:
 * runc 1.1 and later, crun 1.8.6 and later) or, for a crun without that command, as its version tells
 * (crun has had {@code rro} and {@code idmap} since 1.4). A runtime that answers neither way is taken to
 * implement none of the options jcri asks about.
 */
public record OciRuntimeFeatures(Set<String> mountOptions, boolean userNamespaces) {
    private static final Logger LOG = Logger.getLogger(OciRuntimeFeatures.class.getName());
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(10);
    private static final Pattern KERNEL_RELEASE = Pattern.compile("^(\\d+)\\.(\\d+)");
    private static final Pattern CRUN_VERSION = Pattern.compile("^crun version (\\d+)\\.(\\d+)", Pattern.MULTILINE);

    public OciRuntimeFeatures {
        mountOptions = Set.copyOf(mountOptions);
    }

    /** Without user namespaces, which the node decides (see {@link #withUserNamespaces}). */
    public OciRuntimeFeatures(Set<String> mountOptions) {
        this(mountOptions, false);
    }

    /**
     * These features, with pods in user namespaces of their own or not: the runtime only joins the pod's pinned
     * namespace, so it is the node (ID-mapped mounts of the layers' file system) that decides.
     */
    public OciRuntimeFeatures withUserNamespaces(boolean supported) {
        return new OciRuntimeFeatures(mountOptions, supported);
    }

    /** Whether mounts can be made read-only recursively ({@code rro}, which needs mount_setattr(2): Linux 5.12). */
    public boolean recursiveReadOnly() {
        return mountOptions.contains("rro");
    }

    /** Whether a kernel of release {@code release} (as {@code uname -r} says it) has mount_setattr(2). */
    public static boolean kernelHasMountSetattr(String release) {
        var matcher = KERNEL_RELEASE.matcher(release);
        if (!matcher.find()) {
            return false;
        }
        int major = Integer.parseInt(matcher.group(1));
        return major > 5 || major == 5 && Integer.parseInt(matcher.group(2)) >= 12;
    }

    /**
     * Asks {@code binary}; a binary that cannot be run implements nothing, and on a kernel without mount_setattr(2)
     * ({@code kernelRelease} older than 5.12) no runtime can make a mount read-only recursively.
     */
    public static OciRuntimeFeatures probe(Path binary, String kernelRelease) {
        var features = probe(binary);
        if (!kernelHasMountSetattr(kernelRelease) && features.recursiveReadOnly()) {
            var options = new TreeSet<>(features.mountOptions());
            options.remove("rro");
            return new OciRuntimeFeatures(options);
        }
        return features;
    }

    private static OciRuntimeFeatures probe(Path binary) {
        try {
            var features = Command.run(List.of(binary.toString(), "features"), PROBE_TIMEOUT);
            if (features.ok()) {
                return fromFeaturesJson(features.stdout());
            }
            var version = Command.run(List.of(binary.toString(), "--version"), PROBE_TIMEOUT);
            return version.ok() ? fromCrunVersion(version.stdout()) : new OciRuntimeFeatures(Set.of());
        } catch (IOException e) {
            LOG.warning("cannot ask the OCI runtime " + binary + " what it implements: " + e.getMessage());
            return new OciRuntimeFeatures(Set.of());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new OciRuntimeFeatures(Set.of());
        }
    }

    /** From the JSON of {@code <runtime> features} (the OCI runtime-spec's features document). */
    static OciRuntimeFeatures fromFeaturesJson(String json) throws IOException {
        var options = new TreeSet<String>();
        JSON.readTree(json).path("mountOptions").forEach(option -> options.add(option.asText()));
        return new OciRuntimeFeatures(options);
    }

    /** From the first line of {@code crun --version}; any other runtime's version says nothing. */
    static OciRuntimeFeatures fromCrunVersion(String version) {
        var matcher = CRUN_VERSION.matcher(version);
        if (!matcher.find()) {
            return new OciRuntimeFeatures(Set.of());
        }
        int major = Integer.parseInt(matcher.group(1));
        int minor = Integer.parseInt(matcher.group(2));
        return major > 1 || major == 1 && minor >= 4 ? new OciRuntimeFeatures(Set.of("rro", "idmap")) : new OciRuntimeFeatures(Set.of());
    }
}
