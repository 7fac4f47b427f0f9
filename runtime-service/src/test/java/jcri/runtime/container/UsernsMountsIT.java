package jcri.runtime.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import jcri.api.v1.ContainerConfig;
import jcri.api.v1.IDMapping;
import jcri.api.v1.Mount;
import jcri.runtime.oci.IdMappings;
import jcri.runtime.oci.PodUserNamespace;
import jcri.runtime.sandbox.NamespacePinner;
import jcri.snapshot.MountTable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Real ID-mapped layers and volumes through a real pinned user namespace, on an overlay like a container's (root only). */
class UsernsMountsIT {
    private static final IdMappings.Range RANGE = new IdMappings.Range(0, 300000, 65536);
    private final NamespacePinner pinner = new NamespacePinner();
    private Path dir;
    private PodUserNamespace userns;

    @BeforeEach
    void pinUserNamespace() throws Exception {
        dir = Files.createTempDirectory("jcri-userns-");
        pinner.pin(new NamespacePinner.Request(dir.resolve("ns"), false, false, false, "", Optional.of(new IdMappings(RANGE, RANGE))));
        userns = new PodUserNamespace(dir.resolve("ns/user"), new IdMappings(RANGE, RANGE));
    }

    @AfterEach
    void release() throws Exception {
        MountTable.unmount(dir.resolve("bundle/rootfs"));
        UsernsMounts.release(dir.resolve("bundle"), MountTable::unmount);
        pinner.release(dir.resolve("ns"));
        assertEquals(List.of(), MountTable.mountsUnder(dir), "nothing stays mounted");
        new ProcessBuilder("rm", "-rf", dir.toString()).start().waitFor();
    }

    private static int owner(Path path) throws Exception {
        return (int) Files.getAttribute(path, "unix:uid");
    }

    @Test
    void theLayersOfARootfsBelongToThePodsRoot() throws Exception {
        var lower = Files.createDirectories(dir.resolve("layers/1"));
        Files.writeString(lower.resolve("file"), "from the image\n");
        var upper = Files.createDirectories(dir.resolve("upper"));
        var work = Files.createDirectories(dir.resolve("work"));
        var bundle = Files.createDirectories(dir.resolve("bundle"));
        var rootfs = Files.createDirectories(bundle.resolve("rootfs"));
        var mounts = UsernsMounts.rootfs(List.of(new jcri.snapshot.Mount("overlay", "overlay",
                List.of("index=off", "lowerdir=" + lower, "upperdir=" + upper, "workdir=" + work))), bundle, userns);
        assertEquals(List.of("index=off", "lowerdir=" + bundle.resolve("layers/0"), "upperdir=" + upper, "workdir=" + work),
                mounts.getFirst().options());
        MountTable.mountAll(mounts, rootfs);
        assertEquals(300000, owner(rootfs.resolve("file")), "the image's root-owned file, as the node sees it through the mapping");
        assertEquals(300000, owner(rootfs), "the container's / (the writable layer's top)");
        assertEquals(0, owner(lower.resolve("file")), "the layer itself is untouched");
    }

    @Test
    void aVolumeWithThePodsMappingsIsBoundFromItsIdMappedView() throws Exception {
        var volume = Files.createDirectories(dir.resolve("volume"));
        Files.writeString(volume.resolve("data"), "x");
        var bundle = Files.createDirectories(dir.resolve("bundle"));
        var mapping = IDMapping.newBuilder().setContainerId(0).setHostId(300000).setLength(65536).build();
        var config = ContainerConfig.newBuilder().addMounts(Mount.newBuilder().setContainerPath("/data").setHostPath(volume.toString())
                .addUidMappings(mapping).addGidMappings(mapping)).addMounts(Mount.newBuilder().setContainerPath("/plain")
                .setHostPath(volume.toString())).build();
        var mapped = UsernsMounts.volumes(config, bundle, Optional.of(userns));
        var staged = Path.of(mapped.getMounts(0).getHostPath());
        assertEquals(bundle.resolve("idmapped/0"), staged);
        assertEquals(0, mapped.getMounts(0).getUidMappingsCount(), "the runtime gets a plain bind of the mapped view");
        assertEquals(300000, owner(staged.resolve("data")));
        assertEquals(volume.toString(), mapped.getMounts(1).getHostPath(), "a mount without mappings stays as it is");
        assertTrue(MountTable.isMountPoint(staged));
        UsernsMounts.release(bundle, MountTable::unmount);
        assertFalse(MountTable.isMountPoint(staged));
    }
}
