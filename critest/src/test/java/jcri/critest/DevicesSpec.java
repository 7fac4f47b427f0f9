package jcri.critest;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import jcri.api.v1.Device;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** critest "devices": a node device mapped to another path, with the node's major/minor and the requested access. */
class DevicesSpec {
    private final CriClient cri = Target.client();
    private final List<String> pods = new java.util.ArrayList<>();

    @AfterEach
    void cleanUp() {
        pods.forEach(p -> Pods.destroy(cri, p));
    }

    private List<String> run(String script, Device... devices) throws Exception {
        var pod = Pods.config("devices").build();
        var podId = Pods.run(cri, pod);
        pods.add(podId);
        var config = Pods.shell(cri, "devices", script).addAllDevices(List.of(devices)).build();
        return Logs.afterExit(cri, Pods.start(cri, podId, pod, config), Pods.log(pod, config));
    }

    private static Device device(String host, String container, String permissions) {
        return Device.newBuilder().setHostPath(host).setContainerPath(container).setPermissions(permissions).build();
    }

    @Test
    void aMappedDeviceHasTheNodesNumbersAndWorks() throws Exception {
        var out = run("stat -c '%F %t:%T' /dev/critest-null /dev/critest-zero; echo data > /dev/critest-null && echo wrote;"
                        + " head -c 4 /dev/critest-zero | wc -c",
                device("/dev/null", "/dev/critest-null", "rw"), device("/dev/zero", "/dev/critest-zero", "r"));
        assertEquals(List.of("character special file 1:3", "character special file 1:5", "wrote", "4"), out.stream().map(String::strip).toList());
    }

    /**
     * Access is enforced by the device cgroup, per major:minor; /dev/null and /dev/zero are allowed to every
     * container anyway, so this uses /dev/fuse (10:229), which no runtime allows by default.
     */
    @Test
    void readOnlyPermissionRefusesOpeningForWriting() throws Exception {
        var open = "(exec 3</dev/critest-dev) 2>/dev/null && echo read-ok || echo read-refused;"
                + " (exec 4>/dev/critest-dev) 2>/dev/null && echo write-ok || echo write-refused";
        assertEquals(List.of("read-ok", "write-refused"), run(open, device("/dev/fuse", "/dev/critest-dev", "r")));
        assertEquals(List.of("read-ok", "write-ok"), run(open, device("/dev/fuse", "/dev/critest-dev", "rw")));
    }

    @Test
    void withoutTheDeviceEntryTheNodeIsAbsentAndCannotBeMade() throws Exception {
        var out = run("[ -e /dev/fuse ] && echo present || echo absent; mknod /tmp/fuse c 10 229 && (exec 3</tmp/fuse) 2>/dev/null"
                + " && echo opened || echo refused");
        assertEquals(List.of("absent", "refused"), out);
    }
}
