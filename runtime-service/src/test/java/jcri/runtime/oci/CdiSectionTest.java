package jcri.runtime.oci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import jcri.api.CriException;
import jcri.api.v1.CDIDevice;
import jcri.api.v1.ContainerConfig;
import jcri.api.v1.Int64Value;
import jcri.api.v1.LinuxContainerConfig;
import jcri.api.v1.LinuxContainerSecurityContext;
import jcri.runtime.cdi.CdiRegistry;
import jcri.runtime.cdi.CdiSpec;
import jcri.runtime.oci.spec.Hooks;
import jcri.runtime.oci.spec.Linux;
import jcri.runtime.oci.spec.Resources;
import jcri.runtime.oci.spec.Spec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CdiSectionTest {
    @TempDir
    Path tmp;
    private final CdiSection section = new CdiSection(new CdiRegistry(List.of()), SpecFixture.DEVICES);

    /** The spec of {@code c} without CDI devices. */
    private Spec base(ContainerConfig c) throws IOException {
        return new OciSpecBuilder(SpecFixture.CAPABILITIES, 0, SpecFixture.NODE).build(SpecFixture.input(tmp, c));
    }

    private Spec base() throws IOException {
        return base(SpecFixture.container("c").build());
    }

    private static CdiRegistry.Edits edits(List<String> env, List<CdiSpec.DeviceNode> nodes, List<CdiSpec.Mount> mounts,
                                           List<CdiSpec.Hook> hooks, List<Long> gids) {
        return new CdiRegistry.Edits("vendor.com/gpu=0", new CdiSpec.ContainerEdits(env, nodes, mounts, hooks, gids));
    }

    private static CdiRegistry.Edits nodes(CdiSpec.DeviceNode... nodes) {
        return edits(null, List.of(nodes), null, null, null);
    }

    private static CdiSpec.DeviceNode node(String path, String hostPath, String type, Long major, String permissions) {
        return new CdiSpec.DeviceNode(path, hostPath, type, major, major == null ? null : 7L, null, permissions, null, null);
    }

    @Test
    void aContainerWithoutCdiDevicesKeepsItsSpec() throws IOException {
        var spec = base();
        assertSame(spec, section.apply(spec, SpecFixture.container("c").build()));
    }

    @Test
    void envOverridesByKeyInPlaceAndAppendsTheRest() throws IOException {
        var spec = section.edit(base(), List.of(edits(List.of("LANG=C", "GPU=0"), null, null, null, null)), false);
        assertEquals(List.of("PATH=/usr/local/bin:/usr/bin:/bin", "HOSTNAME=web-1", "LANG=C", "GPU=0"), spec.process().env());
    }

    @Test
    void aDeviceNodeTakesTypeNumbersAndModeFromTheHostAndIsAllowed() throws IOException {
        var spec = section.edit(base(), List.of(nodes(node("/dev/gpu0", "/dev/fuse", null, null, "rw"),
                node("/dev/null", null, null, null, null))), false);
        assertEquals(List.of(new Linux.Device("/dev/gpu0", "c", 10, 229, 0666, 0, 0), new Linux.Device("/dev/null", "c", 1, 3, 0666, 0, 0)),
                spec.linux().devices());
        assertEquals(List.of(new Resources.DeviceRule(false, null, null, null, "rwm"), new Resources.DeviceRule(true, "c", 10L, 229L, "rw"),
                new Resources.DeviceRule(true, "c", 1L, 3L, "rwm")), spec.linux().resources().devices());
    }

    @Test
    void aFullySpecifiedNodeOrFifoNeedsNoHostDeviceAndNoneAddsNoRule() throws IOException {
        var complete = new CdiSpec.DeviceNode("/dev/vgpu", "/dev/absent", "b", 240L, 3L, 0600, "none", 5L, 6L);
        var fifo = new CdiSpec.DeviceNode("/dev/events", null, "p", null, null, null, null, null, null);
        var spec = section.edit(base(), List.of(nodes(complete, fifo)), false);
        assertEquals(List.of(new Linux.Device("/dev/vgpu", "b", 240, 3, 0600, 5, 6), new Linux.Device("/dev/events", "p", 0, 0, null, 0, 0)),
                spec.linux().devices());
        assertEquals(1, spec.linux().resources().devices().size());
    }

    @Test
    void aNodeIsOwnedByTheProcessUserUnlessTheSpecSaysOtherwise() throws IOException {
        var c = SpecFixture.withSecurity(LinuxContainerSecurityContext.newBuilder().setRunAsUser(Int64Value.newBuilder().setValue(1000)));
        var spec = section.edit(base(c), List.of(nodes(node("/dev/null", null, null, null, null))), false);
        assertEquals(new Linux.Device("/dev/null", "c", 1, 3, 0666, 1000, 1000), spec.linux().devices().getFirst());
    }

    @Test
    void aNodeReplacesOneAtItsPathAndAPrivilegedContainerGetsNoExtraRule() throws IOException {
        var c = SpecFixture.withSecurity(LinuxContainerSecurityContext.newBuilder().setPrivileged(true));
        var spec = section.edit(base(c), List.of(nodes(node("/dev/fuse", "/dev/loop0", null, null, null))), true);
        assertEquals(List.of("/dev/null", "/dev/nvme0n1", "/dev/fuse"), spec.linux().devices().stream().map(Linux.Device::path).toList());
        assertEquals(new Linux.Device("/dev/fuse", "b", 7, 0, 0660, 0, 0), spec.linux().devices().getLast());
        assertEquals(List.of(new Resources.DeviceRule(true, null, null, null, "rwm")), spec.linux().resources().devices());
    }

    @Test
    void aMissingOrMistypedHostNodeIsRefusedNamingTheDevice() throws IOException {
        var base = base();
        var missing = assertThrows(CriException.class, () -> section.edit(base, List.of(nodes(node("/dev/gpu9", null, null, null, null))), false));
        assertTrue(missing.getMessage().contains("vendor.com/gpu=0") && missing.getMessage().contains("/dev/gpu9"), missing.getMessage());
        var mistyped = assertThrows(CriException.class, () -> section.edit(base, List.of(nodes(node("/dev/x", "/dev/loop0", "c", null, null))), false));
        assertTrue(mistyped.getMessage().contains("type b"), mistyped.getMessage());
    }

    @Test
    void mountsReplaceOneAtTheirDestinationAndAllAreOrderedParentsFirst() throws IOException {
        var spec = section.edit(base(), List.of(edits(null, null, List.of(
                new CdiSpec.Mount("/opt/gpu/lib", "/usr/local/gpu/lib", null, List.of("ro", "rbind")),
                new CdiSpec.Mount("/opt/gpu", "/usr", "none", List.of("ro", "bind")),
                new CdiSpec.Mount("/opt/hosts", "/etc/hosts", null, List.of("ro"))), null, null)), false);
        var destinations = spec.mounts().stream().map(Spec.Mount::destination).toList();
        assertEquals(1, destinations.stream().filter("/etc/hosts"::equals).count());
        for (int i = 1; i < destinations.size(); i++) {
            assertTrue(destinations.get(i - 1).split("/").length <= destinations.get(i).split("/").length, destinations.toString());
        }
        var mounts = spec.mounts().stream().filter(m -> m.source().startsWith("/opt")).toList();
        assertEquals(List.of(new Spec.Mount("/usr", "none", "/opt/gpu", List.of("ro", "bind")),
                new Spec.Mount("/etc/hosts", null, "/opt/hosts", List.of("ro")),
                new Spec.Mount("/usr/local/gpu/lib", "bind", "/opt/gpu/lib", List.of("ro", "rbind"))), mounts);
    }

    @Test
    void hooksGoToTheirPointInOrder() throws IOException {
        var spec = section.edit(base(), List.of(edits(null, null, null, List.of(
                new CdiSpec.Hook("createContainer", "/usr/bin/gpu-hook", List.of("gpu-hook", "ldcache"), List.of("A=1"), 5),
                new CdiSpec.Hook("poststop", "/usr/bin/cleanup", null, null, null),
                new CdiSpec.Hook("createContainer", "/usr/bin/second", null, null, null)), null)), false);
        assertEquals(new Hooks(null, null, List.of(new Hooks.Hook("/usr/bin/gpu-hook", List.of("gpu-hook", "ldcache"), List.of("A=1"), 5),
                new Hooks.Hook("/usr/bin/second", null, null, null)), null, null,
                List.of(new Hooks.Hook("/usr/bin/cleanup", null, null, null))), spec.hooks());
        assertNull(base().hooks());
    }

    @Test
    void additionalGidsAreAddedOnceAndZeroIsIgnored() throws IOException {
        var spec = section.edit(base(), List.of(edits(null, null, null, null, List.of(0L, 44L, 300L, 300L))), false);
        assertEquals(List.of(10L, 44L, 300L), spec.process().user().additionalGids());
    }

    @Test
    void requestedDevicesAreResolvedFromTheSpecDirectories() throws IOException {
        var dir = Files.createDirectories(tmp.resolve("cdi"));
        Files.writeString(dir.resolve("gpu.yaml"), """
                cdiVersion: 0.6.0
                kind: vendor.com/gpu
                devices:
                  - name: "0"
                    containerEdits:
                      env: [GPU=0]
                containerEdits:
                  env: [VENDOR=1]
                """);
        var resolving = new CdiSection(new CdiRegistry(List.of(dir)), SpecFixture.DEVICES);
        var byField = SpecFixture.container("c").addCDIDevices(CDIDevice.newBuilder().setName("vendor.com/gpu=0")).build();
        assertEquals(List.of("GPU=0", "VENDOR=1"), resolving.apply(base(), byField).process().env().subList(3, 5));
        var unknown = SpecFixture.container("c").putAnnotations("cdi.k8s.io/x", "vendor.com/gpu=1").build();
        assertThrows(CriException.class, () -> resolving.apply(base(), unknown));
    }
}
