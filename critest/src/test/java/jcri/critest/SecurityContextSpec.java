package jcri.critest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.util.List;
import jcri.api.v1.Capability;
import jcri.api.v1.ContainerConfig;
import jcri.api.v1.ContainerStatusRequest;
import jcri.api.v1.ImageSpec;
import jcri.api.v1.Int64Value;
import jcri.api.v1.LinuxContainerConfig;
import jcri.api.v1.LinuxContainerSecurityContext;
import jcri.api.v1.LinuxPodSandboxConfig;
import jcri.api.v1.LinuxSandboxSecurityContext;
import jcri.api.v1.NamespaceMode;
import jcri.api.v1.NamespaceOption;
import jcri.api.v1.PodSandboxConfig;
import jcri.api.v1.PullImageRequest;
import jcri.api.v1.SecurityProfile;
import jcri.api.v1.SupplementalGroupsPolicy;
import jcri.image.oci.MediaTypes.Compression;
import jcri.image.testing.LayerBuilder;
import jcri.image.testing.TestImages;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** critest "security context": users and groups, capabilities, privileged, read-only rootfs, masked paths, NNP, seccomp, PID namespaces. */
class SecurityContextSpec {
    private final CriClient cri = Target.client();
    private final List<String> pods = new java.util.ArrayList<>();

    @AfterEach
    void cleanUp() {
        pods.forEach(p -> Pods.destroy(cri, p));
    }

    /** Runs {@code script} with {@code security} in a fresh pod and returns its output lines. */
    private List<String> run(String script, LinuxContainerSecurityContext.Builder security) throws Exception {
        return run(Pods.privilegedIf(security.getPrivileged(), Pods.config("sec")).build(), Pods.shell(cri, "sec", script)
                .setLinux(LinuxContainerConfig.newBuilder().setSecurityContext(security)).build());
    }

    private List<String> run(PodSandboxConfig pod, ContainerConfig config) throws Exception {
        var podId = Pods.run(cri, pod);
        pods.add(podId);
        var id = Pods.start(cri, podId, pod, config);
        return Logs.afterExit(cri, id, Pods.log(pod, config));
    }

    private static long capEff(List<String> out) {
        return Long.parseUnsignedLong(out.stream().filter(l -> l.startsWith("CapEff:")).findFirst().orElseThrow()
                .substring(7).strip(), 16);
    }

    @Test
    void usersAndGroupsFromTheImageAndTheRequest() throws Exception {
        var image = TestRegistry.push("critest/user-www", "1", TestImages.busyboxBuilder().user("www").build());
        cri.images().pullImage(jcri.api.v1.PullImageRequest.newBuilder().setImage(jcri.api.v1.ImageSpec.newBuilder().setImage(image)).build());
        var fromImage = run(Pods.config("user").build(), Pods.shell(cri, "user", "id")
                .setImage(jcri.api.v1.ImageSpec.newBuilder().setImage(image)).build());
        assertTrue(fromImage.getFirst().startsWith("uid=33(www) gid=33(www)"), fromImage.toString());
        var numeric = run("id", LinuxContainerSecurityContext.newBuilder().setRunAsUser(Int64Value.newBuilder().setValue(1234))
                .setRunAsGroup(Int64Value.newBuilder().setValue(5678)).addSupplementalGroups(999));
        assertTrue(numeric.getFirst().startsWith("uid=1234 gid=5678"), numeric.toString());
        assertTrue(numeric.getFirst().contains("999"), numeric.toString());
        var named = run("id -u; id -g", LinuxContainerSecurityContext.newBuilder().setRunAsUsername("nobody"));
        assertEquals(List.of("65534", "65534"), named);
    }

    /**
     * critest 1.32's SupplementalGroupsPolicy: the image's /etc/group puts www in staff (50000); Merge adds that to the
     * requested groups, Strict does not, and the container's status says which groups its process has.
     */
    @Test
    void supplementalGroupsPolicyMergeOrStrict() throws Exception {
        var image = TestRegistry.push("critest/user-groups", "1", TestImages.busyboxBuilder().user("www")
                .layer(new LayerBuilder().file("etc/group", "root:x:0:\nwww:x:33:\nstaff:x:50000:www\n"), Compression.GZIP).build());
        cri.images().pullImage(PullImageRequest.newBuilder().setImage(ImageSpec.newBuilder().setImage(image)).build());
        for (var policy : List.of(SupplementalGroupsPolicy.Merge, SupplementalGroupsPolicy.Strict)) {
            var pod = Pods.config("groups").build();
            var podId = Pods.run(cri, pod);
            pods.add(podId);
            var config = Pods.shell(cri, "groups", "id -G").setImage(ImageSpec.newBuilder().setImage(image))
                    .setLinux(LinuxContainerConfig.newBuilder().setSecurityContext(LinuxContainerSecurityContext.newBuilder()
                            .addSupplementalGroups(1234).setSupplementalGroupsPolicy(policy))).build();
            var id = Pods.start(cri, podId, pod, config);
            var expected = policy == SupplementalGroupsPolicy.Merge ? List.of(33L, 1234L, 50000L) : List.of(33L, 1234L);
            var groups = Logs.afterExit(cri, id, Pods.log(pod, config)).getFirst().split(" ");
            assertEquals(expected, java.util.Arrays.stream(groups).map(Long::parseLong).sorted().toList(), policy + " in the process");
            var user = cri.runtime().containerStatus(ContainerStatusRequest.newBuilder().setContainerId(id).build()).getStatus()
                    .getUser().getLinux();
            assertEquals(33, user.getUid());
            assertEquals(33, user.getGid());
            assertEquals(expected, user.getSupplementalGroupsList().stream().sorted().toList(), policy + " in the status");
        }
    }

    @Test
    void capabilitiesAreAddedDroppedAndBoundedByTheDaemon() throws Exception {
        long defaults = capEff(run("grep Cap /proc/self/status", LinuxContainerSecurityContext.newBuilder()));
        assertEquals(0x00000000a80425fbL, defaults, Long.toHexString(defaults));
        long added = capEff(run("grep Cap /proc/self/status", LinuxContainerSecurityContext.newBuilder()
                .setCapabilities(Capability.newBuilder().addAddCapabilities("NET_ADMIN").addDropCapabilities("KILL"))));
        assertEquals((defaults | 1L << 12) & ~(1L << 5), added, "NET_ADMIN (12) added, KILL (5) dropped: " + Long.toHexString(added));
        long none = capEff(run("grep Cap /proc/self/status", LinuxContainerSecurityContext.newBuilder()
                .setCapabilities(Capability.newBuilder().addDropCapabilities("ALL"))));
        assertEquals(0, none);
        long all = capEff(run("grep Cap /proc/self/status", LinuxContainerSecurityContext.newBuilder()
                .setCapabilities(Capability.newBuilder().addAddCapabilities("ALL"))));
        assertEquals(daemonBoundingSet(), all, "ALL means what the daemon has, not more");
    }

    private long daemonBoundingSet() throws Exception {
        var pid = Target.daemon().map(d -> d.process().pid()).orElse(ProcessHandle.current().pid());
        return Files.readAllLines(java.nio.file.Path.of("/proc/" + pid + "/status")).stream()
                .filter(l -> l.startsWith("CapBnd:")).map(l -> Long.parseUnsignedLong(l.substring(7).strip(), 16)).findFirst().orElseThrow();
    }

    @Test
    void privilegedGetsTheDaemonsCapabilitiesAndNoMaskedPaths() throws Exception {
        var out = run("grep CapEff /proc/self/status; wc -c < /proc/timer_list; ls /sys/firmware | wc -l; "
                        + "echo 1 > /proc/sys/vm/drop_caches && echo wrote-proc-sys; [ -c /dev/null ] && [ -e /dev/loop-control ] && echo host-devices",
                LinuxContainerSecurityContext.newBuilder().setPrivileged(true));
        assertEquals(daemonBoundingSet(), capEff(out));
        assertTrue(Long.parseLong(out.get(1).strip()) > 0, "timer_list readable: " + out);
        assertTrue(out.contains("wrote-proc-sys"), out.toString());
        assertTrue(out.contains("host-devices"), "the node's devices: " + out);
    }

    @Test
    void maskedAndReadOnlyPathsAsTheKubeletSendsThem() throws Exception {
        assertMaskedAndReadOnly(LinuxContainerSecurityContext.newBuilder().addMaskedPaths("/proc/timer_list")
                .addMaskedPaths("/sys/firmware").addReadonlyPaths("/proc/sys"));
    }

    @Test
    void maskedAndReadOnlyPathsByDefault() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeFalse(Target.external(),
                "jcri masks the kubelet's default paths when a client sends none; containerd 1.6 applies exactly the paths it gets");
        assertMaskedAndReadOnly(LinuxContainerSecurityContext.newBuilder());
    }

    private void assertMaskedAndReadOnly(LinuxContainerSecurityContext.Builder security) throws Exception {
        var out = run("wc -c < /proc/timer_list; ls /sys/firmware | wc -l; echo 1 > /proc/sys/vm/drop_caches || echo proc-sys-ro;"
                        + " [ -e /dev/loop-control ] || echo no-host-devices", security);
        assertEquals("0", out.get(0).strip(), out.toString());
        assertEquals("0", out.get(1).strip(), out.toString());
        assertTrue(out.contains("proc-sys-ro"), out.toString());
        assertTrue(out.contains("no-host-devices"), out.toString());
    }

    @Test
    void readOnlyRootfsAndNoNewPrivileges() throws Exception {
        var out = run("touch /new-file || echo rootfs-ro; touch /tmp/x || echo tmp-ro; grep NoNewPrivs /proc/self/status",
                LinuxContainerSecurityContext.newBuilder().setReadonlyRootfs(true).setNoNewPrivs(true));
        assertTrue(out.contains("rootfs-ro"), out.toString());
        assertTrue(out.stream().anyMatch(l -> l.matches("NoNewPrivs:\\s+1")), out.toString());
    }

    @Test
    void seccompRuntimeDefaultBlocksUserNamespacesUnconfinedDoesNot() throws Exception {
        var script = "unshare -U true && echo unshared || echo blocked";
        var confined = run(script, LinuxContainerSecurityContext.newBuilder()
                .setSeccomp(SecurityProfile.newBuilder().setProfileType(SecurityProfile.ProfileType.RuntimeDefault)));
        assertTrue(confined.contains("blocked"), confined.toString());
        var unconfined = run(script, LinuxContainerSecurityContext.newBuilder()
                .setSeccomp(SecurityProfile.newBuilder().setProfileType(SecurityProfile.ProfileType.Unconfined)));
        assertTrue(unconfined.contains("unshared"), unconfined.toString());
    }

    @Test
    void seccompLocalhostProfileFromTheNode() throws Exception {
        var profile = Scratch.dir("critest-seccomp-").resolve("profile.json");
        Files.writeString(profile, """
                {"defaultAction": "SCMP_ACT_ALLOW",
                 "syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 1}]}
                """);
        var out = run("mkdir /tmp/d && echo made || echo denied", LinuxContainerSecurityContext.newBuilder()
                .setSeccomp(SecurityProfile.newBuilder().setProfileType(SecurityProfile.ProfileType.Localhost)
                        .setLocalhostRef(profile.toString())));
        assertTrue(out.contains("denied"), out.toString());
    }

    @Test
    void podLevelPidNamespaceIsSharedAndContainerLevelIsNot() throws Exception {
        var pod = Pods.config("pidpod").setLinux(LinuxPodSandboxConfig.newBuilder().setSecurityContext(
                LinuxSandboxSecurityContext.newBuilder().setNamespaceOptions(NamespaceOption.newBuilder().setPid(NamespaceMode.POD)))).build();
        var podId = Pods.run(cri, pod);
        pods.add(podId);
        var shared = LinuxContainerConfig.newBuilder().setSecurityContext(LinuxContainerSecurityContext.newBuilder()
                .setNamespaceOptions(NamespaceOption.newBuilder().setPid(NamespaceMode.POD)));
        Pods.start(cri, podId, pod, Pods.shell(cri, "sleeper", "exec sleep 12345").setLinux(shared).build());
        var looker = Pods.shell(cri, "looker", "sleep 0.5; ps -o args; cat /proc/1/cmdline | tr '\\0' ' '").setLinux(shared).build();
        var out = Logs.afterExit(cri, Pods.start(cri, podId, pod, looker), Pods.log(pod, looker));
        assertTrue(out.stream().anyMatch(l -> l.contains("sleep 12345")), out.toString());
        assertFalse(out.getLast().startsWith("sh -c"), "pid 1 is the pod's infra process, not this container: " + out);
        if (!Target.external()) {
            assertTrue(out.getLast().startsWith("/usr/bin/tini -- tail"), "jcri's infra process is a reaping init: " + out);
        }
        var alone = Pods.shell(cri, "alone", "cat /proc/1/cmdline | tr '\\0' ' '").setLinux(LinuxContainerConfig.newBuilder()
                .setSecurityContext(LinuxContainerSecurityContext.newBuilder().setNamespaceOptions(
                        NamespaceOption.newBuilder().setPid(NamespaceMode.CONTAINER)))).build();
        var own = Logs.afterExit(cri, Pods.start(cri, podId, pod, alone), Pods.log(pod, alone));
        assertTrue(own.getLast().startsWith("sh -c"), own.toString());
    }
}
