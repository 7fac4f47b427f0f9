package jcri.runtime.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import java.util.List;
import java.util.Optional;
import jcri.api.CriException;
import jcri.api.v1.IDMapping;
import jcri.api.v1.NamespaceMode;
import jcri.api.v1.NamespaceOption;
import jcri.api.v1.UserNamespace;
import jcri.runtime.oci.IdMappings;
import org.junit.jupiter.api.Test;

class UserNamespaceOptionsTest {
    private static IDMapping mapping(int container, int host, int length) {
        return IDMapping.newBuilder().setContainerId(container).setHostId(host).setLength(length).build();
    }

    private static NamespaceOption pod(List<IDMapping> uids, List<IDMapping> gids) {
        return NamespaceOption.newBuilder().setUsernsOptions(UserNamespace.newBuilder().setMode(NamespaceMode.POD)
                .addAllUids(uids).addAllGids(gids)).build();
    }

    private static String refused(NamespaceOption options) {
        var e = assertThrows(CriException.class, () -> UserNamespaceOptions.of(options));
        assertEquals(Status.Code.INVALID_ARGUMENT, e.code(), e.getMessage());
        return e.getMessage();
    }

    @Test
    void noOptionsOrNodeModeKeepThePodInTheNodesUserNamespace() {
        assertEquals(Optional.empty(), UserNamespaceOptions.of(NamespaceOption.getDefaultInstance()));
        assertEquals(Optional.empty(), UserNamespaceOptions.of(NamespaceOption.newBuilder()
                .setUsernsOptions(UserNamespace.newBuilder().setMode(NamespaceMode.NODE)).build()));
    }

    @Test
    void podModeTakesOneUidAndOneGidRangeFromZero() {
        var mappings = UserNamespaceOptions.of(pod(List.of(mapping(0, 65536, 65536)), List.of(mapping(0, 131072, 65536)))).orElseThrow();
        assertEquals(new IdMappings(new IdMappings.Range(0, 65536, 65536), new IdMappings.Range(0, 131072, 65536)), mappings);
        assertEquals("0 65536 65536\n", mappings.uids().procLine());
        assertEquals(131072 + 33, mappings.gids().hostOf(33));
    }

    @Test
    void hostIdsAboveTwoToTheThirtyOneAreUnsigned() {
        var mappings = UserNamespaceOptions.of(pod(List.of(mapping(0, 0x8000_0000, 65536)), List.of(mapping(0, 0x8000_0000, 65536)))).orElseThrow();
        assertEquals(0x8000_0000L, mappings.uids().hostId());
    }

    @Test
    void badMappingsAreRefused() {
        var good = List.of(mapping(0, 1000, 100000));
        assertTrue(refused(pod(List.of(mapping(0, 1000, 100000), mapping(0, 2000, 100000)), good)).contains("exactly one uid mapping"));
        assertTrue(refused(pod(good, List.of())).contains("exactly one gid mapping"));
        assertTrue(refused(pod(List.of(mapping(1, 1000, 100000)), good)).contains("must map id 0"));
        assertTrue(refused(pod(good, List.of(mapping(0, 1000, 0)))).contains("not a range"));
        assertTrue(refused(pod(List.of(mapping(0, -2, 100)), good)).contains("not a range"), "past the last id");
        assertTrue(refused(pod(List.of(mapping(0, 0, 65536)), good)).contains("the node's root"));
    }

    @Test
    void containerAndTargetModesAreRefused() {
        for (var mode : List.of(NamespaceMode.CONTAINER, NamespaceMode.TARGET)) {
            var options = NamespaceOption.newBuilder().setUsernsOptions(UserNamespace.newBuilder().setMode(mode)).build();
            assertTrue(refused(options).contains("mode " + mode + " is not supported"));
        }
    }

    @Test
    void nodeModeTakesNoMappings() {
        var options = NamespaceOption.newBuilder().setUsernsOptions(UserNamespace.newBuilder().setMode(NamespaceMode.NODE)
                .addUids(mapping(0, 1000, 10))).build();
        assertTrue(refused(options).contains("takes no uid or gid mappings"));
    }

    @Test
    void aPodUserNamespaceSharesNoNodeNamespace() {
        var base = pod(List.of(mapping(0, 1000, 100000)), List.of(mapping(0, 1000, 100000)));
        assertTrue(refused(base.toBuilder().setNetwork(NamespaceMode.NODE).build()).contains("cannot share the node's"));
        assertTrue(refused(base.toBuilder().setPid(NamespaceMode.NODE).build()).contains("cannot share the node's"));
        assertTrue(refused(base.toBuilder().setIpc(NamespaceMode.NODE).build()).contains("cannot share the node's"));
    }
}
