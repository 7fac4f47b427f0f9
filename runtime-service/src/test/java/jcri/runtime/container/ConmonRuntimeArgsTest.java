package jcri.runtime.container;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import jcri.runtime.info.OciRuntimeFeatures;
import org.junit.jupiter.api.Test;

/** What conmon passes runc before its command. */
class ConmonRuntimeArgsTest {
    private static final OciRuntimeFeatures FEATURES = new OciRuntimeFeatures(Set.of(), false);

    @Test
    void runcLogsToAFileInTheBundleNotToTheContainersStderr() {
        var runc = new Runc(Path.of("/usr/bin/runc"), Path.of("/run/jcri/runc"), true, FEATURES);
        assertEquals(List.of("--root=/run/jcri/runc", "--systemd-cgroup", "--log=/var/lib/jcri/containers/c1/runtime.log"),
                Conmon.runtimeArgs(runc, Path.of("/var/lib/jcri/containers/c1")));
    }
}
