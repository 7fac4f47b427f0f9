package jcri.critest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import jcri.api.v1.CDIDevice;
import jcri.api.v1.ContainerConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * CDI devices: the suite's jcrid reads its own spec directory, where this spec writes (while jcrid runs) a file
 * exposing the node's /dev/null as {@code /dev/jcri-test0} under {@code jcri.test/device=zero}, with a mount of a
 * node directory and an environment variable; containers request it by {@code CDI_devices} or a
 * {@code cdi.k8s.io/} annotation.
 */
class CdiSpec {
    private static final String DEVICE = "jcri.test/device=zero";
    private static final String SCRIPT = "stat -c '%F %t:%T' /dev/jcri-test0; echo data > /dev/jcri-test0 && echo wrote;"
            + " cat /mnt/cdi/hello.txt; echo \"$JCRI_CDI $JCRI_CDI_KIND\"";
    private final CriClient cri = Target.client();
    private final List<String> pods = new ArrayList<>();
    private Path specFile;

    @BeforeEach
    void writeSpecFile() throws Exception {
        Assumptions.assumeFalse(Target.external(), "the spec directory of another runtime is not the suite's to write");
        var shared = Scratch.dir("critest-cdi-");
        Files.writeString(shared.resolve("hello.txt"), "hello from the node\n");
        var dir = Files.createDirectories(JcridProcess.cdiDir(Target.daemon().orElseThrow().dir()));
        specFile = dir.resolve("jcri-test.json");
        Files.writeString(specFile, """
                {"cdiVersion": "0.6.0", "kind": "jcri.test/device",
                 "devices": [{"name": "zero", "containerEdits": {
                     "env": ["JCRI_CDI=zero"],
                     "deviceNodes": [{"path": "/dev/jcri-test0", "hostPath": "/dev/null", "permissions": "rw"}],
                     "mounts": [{"hostPath": "%s", "containerPath": "/mnt/cdi", "options": ["rbind", "ro"]}]}}],
                 "containerEdits": {"env": ["JCRI_CDI_KIND=jcri.test"]}}
                """.formatted(shared));
    }

    @AfterEach
    void cleanUp() throws Exception {
        pods.forEach(p -> Pods.destroy(cri, p));
        if (specFile != null) {
            Files.deleteIfExists(specFile);
        }
    }

    private List<String> run(ContainerConfig.Builder config) throws Exception {
        var pod = Pods.config("cdi").build();
        var podId = Pods.run(cri, pod);
        pods.add(podId);
        var c = config.build();
        return Logs.afterExit(cri, Pods.start(cri, podId, pod, c), Pods.log(pod, c));
    }

    private static final List<String> EXPECTED = List.of("character special file 1:3", "wrote", "hello from the node", "zero jcri.test");

    @Test
    void aDeviceRequestedByCdiDevicesHasItsNodeMountAndEnv() throws Exception {
        var out = run(Pods.shell(cri, "by-field", SCRIPT).addCDIDevices(CDIDevice.newBuilder().setName(DEVICE)));
        assertEquals(EXPECTED, out.stream().map(String::strip).toList());
    }

    @Test
    void aDeviceRequestedByAnnotationHasItsNodeMountAndEnv() throws Exception {
        var out = run(Pods.shell(cri, "by-annotation", SCRIPT).putAnnotations("cdi.k8s.io/critest", DEVICE));
        assertEquals(EXPECTED, out.stream().map(String::strip).toList());
    }

    @Test
    void anUnknownOrUnqualifiedDeviceIsRefused() {
        var pod = Pods.config("cdi-unknown").build();
        var podId = Pods.run(cri, pod);
        pods.add(podId);
        for (var name : List.of("jcri.test/device=nope", "zero")) {
            var e = assertThrows(StatusRuntimeException.class, () -> Pods.create(cri, podId, pod,
                    Pods.shell(cri, "unknown", "true").addCDIDevices(CDIDevice.newBuilder().setName(name)).build()));
            assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode(), e.getStatus().toString());
            assertTrue(e.getStatus().getDescription().contains(name), e.getStatus().toString());
        }
    }
}
