package jcri.image.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.grpc.Status;
import java.util.List;
import jcri.api.CriException;
import jcri.image.oci.Descriptor;
import jcri.image.oci.Platform;
import org.junit.jupiter.api.Test;

class PlatformMatcherTest {
    private static final Platform ARM64_V8 = new Platform("arm64", "linux", "v8", null);
    private static final Platform AMD64 = new Platform("amd64", "linux", "", null);

    private static Descriptor entry(String digest, String arch, String os, String variant) {
        return new Descriptor("application/vnd.oci.image.manifest.v1+json", digest, 1, arch == null ? null : new Platform(arch, os, variant, null), null);
    }

    @Test
    void theNodesVariantIsPreferredOverNoVariantAndOtherVariants() {
        var index = List.of(entry("a", "arm64", "linux", "v9"), entry("b", "arm64", "linux", null), entry("c", "arm64", "linux", "v8"));
        assertEquals("c", PlatformMatcher.select(ARM64_V8, index).digest());
        assertEquals("b", PlatformMatcher.select(ARM64_V8, index.subList(0, 2)).digest(), "no variant before another variant");
        assertEquals("a", PlatformMatcher.select(ARM64_V8, index.subList(0, 1)).digest(), "any variant rather than none");
    }

    @Test
    void osAndArchitectureMustMatchAndEntriesWithoutPlatformAreSkipped() {
        var index = List.of(entry("att", null, null, null), entry("win", "amd64", "windows", null), entry("lin", "amd64", "linux", null));
        assertEquals("lin", PlatformMatcher.select(AMD64, index).digest());
    }

    @Test
    void noMatchIsNotFoundListingWhatTheIndexOffers() {
        var e = assertThrows(CriException.class, () -> PlatformMatcher.select(AMD64,
                List.of(entry("x", "arm", "linux", "v7"), entry("y", "s390x", "linux", null), entry("z", null, null, null))));
        assertEquals(Status.Code.NOT_FOUND, e.code());
        assertEquals("the image index has no manifest for linux/amd64 (it offers [linux/arm/v7, linux/s390x, null])", e.getMessage());
    }

    @Test
    void theNodeIsLinuxWithItsArchitectureAndArm64IsV8() {
        var node = PlatformMatcher.node();
        assertEquals("linux", node.os());
        var arch = System.getProperty("os.arch");
        assertEquals(arch.equals("amd64") || arch.equals("x86_64") ? "amd64" : arch.equals("aarch64") ? "arm64" : arch, node.architecture());
        assertEquals(node.architecture().equals("arm64") ? "v8" : "", node.variant());
    }
}
