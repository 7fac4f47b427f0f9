package jcri.image.registry;

import java.util.List;
import java.util.Locale;
import jcri.api.CriException;
import jcri.image.oci.Descriptor;
import jcri.image.oci.Platform;

/** Picks the manifest for this node's platform from an index. */
public final class PlatformMatcher {
    private PlatformMatcher() {
    }

    /** This machine as an OCI platform ({@code linux/amd64}, {@code linux/arm64/v8}). */
    public static Platform node() {
        var arch = switch (System.getProperty("os.arch").toLowerCase(Locale.ROOT)) {
            case "amd64", "x86_64" -> "amd64";
            case "aarch64", "arm64" -> "arm64";
            case "arm" -> "arm";
            case "ppc64le" -> "ppc64le";
            case "s390x" -> "s390x";
            case "riscv64" -> "riscv64";
            default -> System.getProperty("os.arch");
        };
        return new Platform(arch, "linux", arch.equals("arm64") ? "v8" : "", null);
    }

    /**
     * The best entry for {@code node}: same OS and architecture, the node's variant preferred, then
     * an entry without variant, then any variant. NOT_FOUND lists what the index offers.
     */
    public static Descriptor select(Platform node, List<Descriptor> manifests) {
        Descriptor withoutVariant = null;
        Descriptor anyVariant = null;
        for (var entry : manifests) {
            var p = entry.platform();
            if (p == null || !node.os().equals(p.os()) || !node.architecture().equals(p.architecture())) {
                continue;
            }
            var variant = p.variant() == null ? "" : p.variant();
            if (!node.variant().isEmpty() && variant.equals(node.variant())) {
                return entry;
            }
            if (variant.isEmpty() && withoutVariant == null) {
                withoutVariant = entry;
            } else if (anyVariant == null) {
                anyVariant = entry;
            }
        }
        if (withoutVariant != null) {
            return withoutVariant;
        }
        if (anyVariant != null) {
            return anyVariant;
        }
        throw CriException.notFound("the image index has no manifest for %s (it offers %s)", node,
                manifests.stream().map(d -> String.valueOf(d.platform())).toList());
    }
}
