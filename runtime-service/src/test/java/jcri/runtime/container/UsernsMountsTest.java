package jcri.runtime.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import java.nio.file.Path;
import java.util.Optional;
import jcri.api.CriException;
import jcri.api.v1.ContainerConfig;
import jcri.api.v1.IDMapping;
import jcri.api.v1.Mount;
import jcri.runtime.oci.IdMappings;
import jcri.runtime.oci.PodUserNamespace;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What {@link UsernsMounts#volumes} refuses before it mounts anything (no root needed). */
class UsernsMountsTest {
    private static final IdMappings.Range RANGE = new IdMappings.Range(0, 300000, 65536);
    private static final PodUserNamespace USERNS = new PodUserNamespace(Path.of("/nonexistent/ns/user"), new IdMappings(RANGE, RANGE));
    @TempDir
    Path tmp;

    private static IDMapping mapping(int host) {
        return IDMapping.newBuilder().setContainerId(0).setHostId(host).setLength(65536).build();
    }

    private static ContainerConfig withMount(Mount.Builder mount) {
        return ContainerConfig.newBuilder().addMounts(mount.setContainerPath("/data")).build();
    }

    private String refused(ContainerConfig config, Optional<PodUserNamespace> userns) {
        var e = assertThrows(CriException.class, () -> UsernsMounts.volumes(config, tmp, userns));
        assertEquals(Status.Code.INVALID_ARGUMENT, e.code(), e.getMessage());
        return e.getMessage();
    }

    @Test
    void aConfigWithoutMappedMountsIsLeftAsItIs() throws Exception {
        var config = withMount(Mount.newBuilder().setHostPath(tmp.toString()));
        assertSame(config, UsernsMounts.volumes(config, tmp, Optional.of(USERNS)));
        assertSame(config, UsernsMounts.volumes(config, tmp, Optional.empty()));
    }

    @Test
    void mappingsNeedAPodUserNamespace() {
        var config = withMount(Mount.newBuilder().setHostPath(tmp.toString()).addUidMappings(mapping(300000)).addGidMappings(mapping(300000)));
        assertTrue(refused(config, Optional.empty()).contains("need a pod with a user namespace of its own"));
    }

    @Test
    void mappingsOtherThanThePodsAreRefused() {
        var config = withMount(Mount.newBuilder().setHostPath(tmp.toString()).addUidMappings(mapping(400000)).addGidMappings(mapping(300000)));
        assertTrue(refused(config, Optional.of(USERNS)).contains("other than the pod's"));
    }

    @Test
    void aMissingHostPathIsNamed() {
        var config = withMount(Mount.newBuilder().setHostPath(tmp.resolve("gone").toString())
                .addUidMappings(mapping(300000)).addGidMappings(mapping(300000)));
        assertTrue(refused(config, Optional.of(USERNS)).contains("does not exist"));
    }
}
