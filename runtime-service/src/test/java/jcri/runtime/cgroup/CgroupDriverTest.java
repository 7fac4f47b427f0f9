package jcri.runtime.cgroup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.grpc.Status;
import java.nio.file.Path;
import jcri.api.CriException;
import org.junit.jupiter.api.Test;

/** Where each driver puts a pod's and a container's cgroup. */
class CgroupDriverTest {
    @Test
    void cgroupfsNestsContainersUnderThePodPath() {
        var driver = CgroupDriver.named("cgroupfs");
        assertEquals("/kubepods/pod1/abc", driver.containerPath("/kubepods/pod1", "abc"));
        assertEquals("/jcri/abc", driver.containerPath("jcri", "abc"));
        assertEquals(Path.of("kubepods/pod1"), driver.podDirectory("/kubepods/pod1"));
        assertEquals(false, driver.systemd());
    }

    @Test
    void systemdMakesScopesInNestedSlices() {
        var driver = CgroupDriver.named("systemd");
        assertEquals("kubepods-pod1.slice:jcri:abc", driver.containerPath("kubepods-pod1.slice", "abc"));
        assertEquals(Path.of("kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod1.slice"),
                driver.podDirectory("kubepods-burstable-pod1.slice"));
        assertEquals(true, driver.systemd());
    }

    @Test
    void systemdTakesTheKubeletsNestedSlicePathAsItsLastSlice() {
        var driver = CgroupDriver.named("systemd");
        var nested = "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod1.slice";
        assertEquals("kubepods-burstable-pod1.slice:jcri:abc", driver.containerPath(nested, "abc"));
        assertEquals(Path.of("kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod1.slice"), driver.podDirectory(nested));
    }

    @Test
    void systemdRefusesAPathThatIsNotTheSlicesNesting() {
        var driver = CgroupDriver.named("systemd");
        for (var parent : new String[] {"/kubepods.slice/kubepods-pod1.slice/x-pod1.slice", "kubepods.slice/kubepods-pod1.slice",
                "/kubepods/pod1", "/../kubepods-pod1.slice"}) {
            var e = assertThrows(CriException.class, () -> driver.containerPath(parent, "abc"), parent);
            assertEquals(Status.Code.INVALID_ARGUMENT, e.code(), parent);
        }
    }

    @Test
    void malformedNamesAreInvalid() {
        assertEquals(Status.Code.INVALID_ARGUMENT, assertThrows(CriException.class, () -> CgroupDriver.named("cgroupv3")).code());
        assertEquals(Status.Code.INVALID_ARGUMENT,
                assertThrows(CriException.class, () -> CgroupDriver.named("systemd").podDirectory("a--b.slice")).code());
        assertEquals(Status.Code.INVALID_ARGUMENT,
                assertThrows(CriException.class, () -> CgroupDriver.named("cgroupfs").podDirectory("/a/../../etc")).code());
    }
}
