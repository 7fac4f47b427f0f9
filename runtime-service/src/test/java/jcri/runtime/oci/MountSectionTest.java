package jcri.runtime.oci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import jcri.api.CriException;
import jcri.api.v1.Mount;
import jcri.api.v1.MountPropagation;
import jcri.runtime.info.OciRuntimeFeatures;
import jcri.runtime.oci.spec.Spec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MountSectionTest {
    @TempDir
    Path tmp;

    private MountSection.Mounts mounts(String hostPropagation, Mount... mounts) throws IOException {
        var c = SpecFixture.container("c");
        List.of(mounts).forEach(c::addMounts);
        return new MountSection(path -> hostPropagation).of(SpecFixture.input(tmp, c.build()));
    }

    private Mount mount(String host, String container, MountPropagation propagation) {
        return Mount.newBuilder().setHostPath(tmp.resolve(host).toString()).setContainerPath(container).setPropagation(propagation).build();
    }

    private static Spec.Mount at(MountSection.Mounts mounts, String destination) {
        return mounts.mounts().stream().filter(m -> m.destination().equals(destination)).findFirst().orElseThrow();
    }

    @Test
    void eachPropagationBecomesItsMountOption() {
        assertEquals("rprivate", MountSection.propagationOption(MountPropagation.PROPAGATION_PRIVATE));
        assertEquals("rslave", MountSection.propagationOption(MountPropagation.PROPAGATION_HOST_TO_CONTAINER));
        assertEquals("rshared", MountSection.propagationOption(MountPropagation.PROPAGATION_BIDIRECTIONAL));
        assertEquals("rprivate", MountSection.propagationOption(MountPropagation.UNRECOGNIZED));
    }

    @Test
    void theRootfsPropagationIsTheStrongestAnyMountNeeds() throws IOException {
        assertNull(mounts("shared", mount("a", "/a", MountPropagation.PROPAGATION_PRIVATE)).rootfsPropagation());
        assertEquals("rslave", mounts("shared", mount("a", "/a", MountPropagation.PROPAGATION_HOST_TO_CONTAINER)).rootfsPropagation());
        assertEquals("rshared", mounts("shared", mount("a", "/a", MountPropagation.PROPAGATION_BIDIRECTIONAL),
                mount("b", "/b", MountPropagation.PROPAGATION_HOST_TO_CONTAINER)).rootfsPropagation());
    }

    @Test
    void propagationNeedsAHostMountThatPropagates() throws IOException {
        var bidirectional = mount("a", "/a", MountPropagation.PROPAGATION_BIDIRECTIONAL);
        var e = assertThrows(CriException.class, () -> mounts("slave", bidirectional));
        assertEquals(Status.Code.FAILED_PRECONDITION, e.code());
        assertThrows(CriException.class, () -> mounts("private", mount("b", "/b", MountPropagation.PROPAGATION_HOST_TO_CONTAINER)));
        assertEquals(List.of("rbind", "rslave", "rw"),
                at(mounts("slave", mount("c", "/c", MountPropagation.PROPAGATION_HOST_TO_CONTAINER)), "/c").options());
    }

    @Test
    void aCriMountReplacesThePodFileAndAMissingHostPathBecomesADirectory() throws IOException {
        var mounts = mounts("private", mount("volumes/hosts", "/etc/hosts", MountPropagation.PROPAGATION_PRIVATE));
        assertEquals(1, mounts.mounts().stream().filter(m -> m.destination().equals("/etc/hosts")).count());
        assertEquals(tmp.resolve("volumes/hosts").toRealPath().toString(), at(mounts, "/etc/hosts").source());
        assertTrue(Files.isDirectory(tmp.resolve("volumes/hosts")));
    }

    @Test
    void aRecursiveReadOnlyMountIsRro() throws IOException {
        var rro = mount("data", "/data", MountPropagation.PROPAGATION_PRIVATE).toBuilder().setReadonly(true).setRecursiveReadOnly(true).build();
        assertEquals(List.of("rbind", "rprivate", "rro"), at(mounts("private", rro), "/data").options());
        var ro = mount("plain", "/plain", MountPropagation.PROPAGATION_PRIVATE).toBuilder().setReadonly(true).build();
        assertEquals(List.of("rbind", "rprivate", "ro"), at(mounts("private", ro), "/plain").options());
    }

    @Test
    void aRecursiveReadOnlyMountMustBeReadOnlyAndPrivate() {
        var writable = mount("w", "/w", MountPropagation.PROPAGATION_PRIVATE).toBuilder().setRecursiveReadOnly(true).build();
        var e = assertThrows(CriException.class, () -> mounts("shared", writable));
        assertEquals(Status.Code.INVALID_ARGUMENT, e.code());
        assertTrue(e.getMessage().contains("not readonly"), e.getMessage());
        for (var propagation : List.of(MountPropagation.PROPAGATION_HOST_TO_CONTAINER, MountPropagation.PROPAGATION_BIDIRECTIONAL)) {
            var shared = mount("s", "/s", propagation).toBuilder().setReadonly(true).setRecursiveReadOnly(true).build();
            assertEquals(Status.Code.INVALID_ARGUMENT, assertThrows(CriException.class, () -> mounts("shared", shared)).code());
        }
        assertTrue(Files.notExists(tmp.resolve("w")), "a refused mount creates no host directory");
    }

    @Test
    void aRuntimeWithoutRroRefusesARecursiveReadOnlyMount() throws IOException {
        var rro = mount("data", "/data", MountPropagation.PROPAGATION_PRIVATE).toBuilder().setReadonly(true).setRecursiveReadOnly(true).build();
        var c = SpecFixture.container("c").addMounts(rro).build();
        var input = SpecFixture.input(tmp, c, SpecFixture.IMAGE, SpecFixture.POD_NAMESPACES, true, new OciRuntimeFeatures(Set.of("ro")));
        var e = assertThrows(CriException.class, () -> new MountSection(path -> "private").of(input));
        assertEquals(Status.Code.INVALID_ARGUMENT, e.code());
        assertTrue(e.getMessage().contains("does not implement"), e.getMessage());
    }

    @Test
    void aRelativeHostPathIsRefusedAndCreatesNothing() {
        var relative = Mount.newBuilder().setHostPath("jcri-relative-" + ProcessHandle.current().pid()).setContainerPath("/data").build();
        var e = assertThrows(CriException.class, () -> mounts("private", relative));
        assertEquals(Status.Code.INVALID_ARGUMENT, e.code());
        assertTrue(Files.notExists(Path.of(relative.getHostPath())), "nothing made in the daemon's working directory");
    }

    @Test
    void aMountWithoutAPathIsRefused() {
        var e = assertThrows(CriException.class, () -> mounts("shared", Mount.newBuilder().setContainerPath("/a").build()));
        assertEquals(Status.Code.INVALID_ARGUMENT, e.code());
    }
}
