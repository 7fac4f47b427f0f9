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
import jcri.api.v1.LinuxContainerConfig;
import jcri.api.v1.LinuxContainerSecurityContext;
import jcri.api.v1.Mount;
import jcri.api.v1.MountPropagation;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** critest "volumes" and "mount propagation": host paths (symlinks resolved), read-only mounts, propagation modes. */
class VolumeSpec {
    private final CriClient cri = Target.client();
    private final List<String> pods = new ArrayList<>();
    private Path dir;

    @BeforeEach
    void setUp() throws Exception {
        dir = Files.createTempDirectory("critest-vol-");
    }

    @AfterEach
    void cleanUp() throws Exception {
        pods.forEach(p -> Pods.destroy(cri, p));
        sh("umount -R " + dir + "/shared 2>/dev/null; rm -rf " + dir);
    }

    private static void sh(String script) throws Exception {
        var p = new ProcessBuilder("sh", "-c", script).redirectErrorStream(true).start();
        var out = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0 && !script.startsWith("umount")) {
            throw new AssertionError(script + ": " + out);
        }
    }

    private String start(String name, String script, List<Mount> mounts, boolean privileged) {
        var pod = Pods.privilegedIf(privileged, Pods.config(name)).build();
        var podId = Pods.run(cri, pod);
        pods.add(podId);
        var config = Pods.shell(cri, name, script).addAllMounts(mounts)
                .setLinux(LinuxContainerConfig.newBuilder().setSecurityContext(LinuxContainerSecurityContext.newBuilder()
                        .setPrivileged(privileged))).build();
        lastLog = Pods.log(pod, config);
        return Pods.start(cri, podId, pod, config);
    }

    private Path lastLog;

    @Test
    void hostPathSymlinksAreResolvedAndReadOnlyMountsAreReadOnly() throws Exception {
        Files.createDirectories(dir.resolve("real"));
        Files.writeString(dir.resolve("real/file"), "through the link");
        Files.createSymbolicLink(dir.resolve("link"), dir.resolve("real"));
        var id = start("symlink", "cat /data/file; echo; touch /data/new || echo read-only",
                List.of(Mount.newBuilder().setContainerPath("/data").setHostPath(dir.resolve("link").toString()).setReadonly(true).build()), false);
        var out = Logs.afterExit(cri, id, lastLog);
        assertEquals("through the link", out.getFirst());
        assertTrue(out.contains("read-only"), out.toString());
        assertTrue(Files.notExists(dir.resolve("real/new")));
    }

    /** A shared tmpfs at {@code <dir>/shared} holding {@code subdir}, mounted at /data with {@code propagation}. */
    private Mount sharedMount(String subdir, MountPropagation propagation) throws Exception {
        sh("mkdir -p " + dir + "/shared && mount -t tmpfs tmpfs " + dir + "/shared && mount --make-shared " + dir + "/shared"
                + " && mkdir " + dir + "/shared/" + subdir);
        return Mount.newBuilder().setContainerPath("/data").setHostPath(dir + "/shared").setPropagation(propagation).build();
    }

    @Test
    void hostToContainerPropagationShowsLaterHostMounts() throws Exception {
        var id = start("slave", "for i in $(seq 100); do [ -e /data/sub/marker ] && echo seen && exit 0; sleep 0.1; done; echo not-seen",
                List.of(sharedMount("sub", MountPropagation.PROPAGATION_HOST_TO_CONTAINER)), false);
        sh("mount -t tmpfs tmpfs " + dir + "/shared/sub && touch " + dir + "/shared/sub/marker");
        assertEquals(List.of("seen"), Logs.afterExit(cri, id, lastLog));
    }

    @Test
    void bidirectionalPropagationShowsContainerMountsOnTheHost() throws Exception {
        var id = start("shared", "mount -t tmpfs tmpfs /data/inner && touch /data/inner/from-container && sleep 30",
                List.of(sharedMount("inner", MountPropagation.PROPAGATION_BIDIRECTIONAL)), true);
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!Files.exists(dir.resolve("shared/inner/from-container")) && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertTrue(Files.exists(dir.resolve("shared/inner/from-container")), "the container's mount reached the host");
        cri.runtime().stopContainer(jcri.api.v1.StopContainerRequest.newBuilder().setContainerId(id).setTimeout(0).build());
    }

    @Test
    void propagationNeedsASharedHostMount() {
        var e = assertThrows(StatusRuntimeException.class, () -> start("private", "true",
                List.of(Mount.newBuilder().setContainerPath("/data").setHostPath(dir.toString())
                        .setPropagation(MountPropagation.PROPAGATION_BIDIRECTIONAL).build()), true));
        Target.assertJcriCode(Status.Code.FAILED_PRECONDITION, e);
        assertTrue(e.getStatus().getDescription().contains("shared"), e.getStatus().getDescription());
    }

    /** {@code dir} holding a tmpfs at {@code dir/shared}, mounted read-only at /data, recursively or not. */
    private Mount readOnlyWithSubmount(boolean recursive) throws Exception {
        sh("mkdir -p " + dir + "/shared && mount -t tmpfs tmpfs " + dir + "/shared");
        return Mount.newBuilder().setContainerPath("/data").setHostPath(dir.toString()).setReadonly(true)
                .setRecursiveReadOnly(recursive).build();
    }

    @Test
    void recursiveReadOnlyMountsAreReadOnlyBelowTheirSubmounts() throws Exception {
        var script = "touch /data/shared/file 2>&1 | grep -q 'Read-only file system' && echo read-only || echo writable";
        var id = start("rro", script, List.of(readOnlyWithSubmount(true)), false);
        assertEquals(List.of("read-only"), Logs.afterExit(cri, id, lastLog));
        sh("umount " + dir + "/shared");
        var plain = start("ro", script, List.of(readOnlyWithSubmount(false)), false);
        assertEquals(List.of("writable"), Logs.afterExit(cri, plain, lastLog), "a plain read-only mount leaves submounts as they are");
    }

    @Test
    void aRecursiveReadOnlyMountMustBeReadOnlyAndPrivate() throws Exception {
        var writable = Mount.newBuilder().setContainerPath("/data").setHostPath(dir.toString()).setRecursiveReadOnly(true).build();
        var e = assertThrows(StatusRuntimeException.class, () -> start("rro-rw", "true", List.of(writable), false));
        assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode(), e.getStatus().toString());
        var slave = writable.toBuilder().setReadonly(true).setPropagation(MountPropagation.PROPAGATION_HOST_TO_CONTAINER).build();
        e = assertThrows(StatusRuntimeException.class, () -> start("rro-slave", "true", List.of(slave), false));
        assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode(), e.getStatus().toString());
    }
}
