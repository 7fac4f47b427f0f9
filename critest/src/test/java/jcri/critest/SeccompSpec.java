package jcri.critest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import jcri.api.v1.Capability;
import jcri.api.v1.ContainerConfig;
import jcri.api.v1.LinuxContainerConfig;
import jcri.api.v1.LinuxContainerSecurityContext;
import jcri.api.v1.Mount;
import jcri.api.v1.NamespaceMode;
import jcri.api.v1.NamespaceOption;
import jcri.api.v1.SecurityProfile;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The RuntimeDefault seccomp profile: ordinary workloads (busybox tools, a web server, a JVM) run under
 * it unchanged; the syscalls it forbids fail as {@code seccomp/probe.c} reports them, those governed by a
 * capability work when the container holds it; privileged and Unconfined containers have no filter.
 */
class SeccompSpec {
    private static final SecurityProfile RUNTIME_DEFAULT = SecurityProfile.newBuilder()
            .setProfileType(SecurityProfile.ProfileType.RuntimeDefault).build();
    private static final Path JDK = Path.of(System.getProperty("java.home"));
    private static Path probe;
    private final CriClient cri = Target.client();
    private final List<String> pods = new ArrayList<>();

    @AfterEach
    void cleanUp() {
        pods.forEach(p -> Pods.destroy(cri, p));
    }

    /** The probe, built once as a static binary from the test resources. */
    private static synchronized Path probe() throws IOException, InterruptedException {
        if (probe == null) {
            probe = compile("probe.c", "probe");
        }
        return probe;
    }

    /** Compiles the test resource {@code seccomp/<source>} with gcc and {@code options} into a fresh directory. */
    private static Path compile(String source, String binary, String... options) throws IOException, InterruptedException {
        var dir = Scratch.dir("critest-seccomp-" + binary + "-");
        var file = dir.resolve(source);
        try (var in = SeccompSpec.class.getResourceAsStream("/seccomp/" + source)) {
            Files.copy(in, file);
        }
        var command = new ArrayList<>(List.of("gcc", "-static", "-O2", "-o", dir.resolve(binary).toString()));
        command.addAll(List.of(options));
        command.add(file.toString());
        var gcc = new ProcessBuilder(command).redirectErrorStream(true).start();
        var out = new String(gcc.getInputStream().readAllBytes());
        assertEquals(0, gcc.waitFor(), "gcc: " + out);
        return dir.resolve(binary);
    }

    /** Runs {@code config} with {@code security} in a fresh pod and returns its output lines. */
    private List<String> run(ContainerConfig.Builder config, LinuxContainerSecurityContext.Builder security) throws Exception {
        var pod = Pods.privilegedIf(security.getPrivileged(), Pods.config("seccomp")).build();
        var podId = Pods.run(cri, pod);
        pods.add(podId);
        var container = config.setLinux(LinuxContainerConfig.newBuilder().setSecurityContext(security)).build();
        return Logs.afterExit(cri, Pods.start(cri, podId, pod, container), Pods.log(pod, container));
    }

    private List<String> shell(String script, LinuxContainerSecurityContext.Builder security) throws Exception {
        return run(Pods.shell(cri, "seccomp", script), security);
    }

    /** Each probe's result ("OK" or an errno name) under {@code security}; the probe runs as pid 1 of its own PID namespace. */
    private Map<String, String> probe(LinuxContainerSecurityContext.Builder security) throws Exception {
        security.setNamespaceOptions(NamespaceOption.newBuilder().setPid(NamespaceMode.CONTAINER));
        var config = Pods.shell(cri, "probe", "").clearCommand().clearArgs().addCommand("/probe")
                .addMounts(Mount.newBuilder().setContainerPath("/probe").setHostPath(probe().toString()).setReadonly(true));
        var results = new LinkedHashMap<String, String>();
        for (var line : run(config, security)) {
            var words = line.split(" ");
            results.put(words[0], words[words.length - 1]);
        }
        return results;
    }

    private static LinuxContainerSecurityContext.Builder runtimeDefault() {
        return LinuxContainerSecurityContext.newBuilder().setSeccomp(RUNTIME_DEFAULT);
    }

    @Test
    void runtimeDefaultRefusesWhatItDoesNotList() throws Exception {
        Assumptions.assumeFalse(Target.external(), "jcri's own profile (containerd's allows ptrace, AF_ALG, other personas)");
        var results = probe(runtimeDefault());
        for (var refused : List.of("io_uring_setup", "keyctl", "userfaultfd", "pidfd_getfd", "mount_setattr", "mount", "ptrace",
                "unshare_user", "clone_newuser", "personality_read_implies_exec", "socket_alg", "sethostname")) {
            assertEquals("EPERM", results.get(refused), refused + " in " + results);
        }
        assertEquals("ENOSYS", results.get("clone3"), "glibc falls back to clone on ENOSYS: " + results);
        for (var allowed : List.of("unshare_files", "clone_plain", "personality_query", "socket_inet")) {
            assertEquals("OK", results.get(allowed), allowed + " in " + results);
        }
    }

    @Test
    void the32BitCompatEntryIsFilteredToo() throws Exception {
        Assumptions.assumeFalse(Target.external(), "jcri's own profile");
        // i386 numbers: io_uring_setup 425 (refused), getuid32 199 (allowed)
        var ioUring = compile("compat32.c", "io_uring_setup", "-m32", "-nostdlib", "-DNR=425");
        var getuid = compile("compat32.c", "getuid32", "-m32", "-nostdlib", "-DNR=199");
        var config = Pods.shell(cri, "compat", "/io_uring_setup; echo io_uring_setup=$?; /getuid32; echo getuid32=$?")
                .addMounts(readOnly("/io_uring_setup", ioUring.toString())).addMounts(readOnly("/getuid32", getuid.toString()));
        assertEquals(List.of("io_uring_setup=1", "getuid32=0"), run(config, runtimeDefault()), "exit status = errno, EPERM is 1");
    }

    @Test
    void capabilitiesReopenTheSyscallsTheyGovern() throws Exception {
        Assumptions.assumeFalse(Target.external(), "jcri's own profile");
        var results = probe(runtimeDefault().setCapabilities(Capability.newBuilder()
                .addAddCapabilities("SYS_ADMIN").addAddCapabilities("SYS_PTRACE")));
        for (var allowed : List.of("mount", "ptrace", "unshare_user", "clone_newuser", "sethostname")) {
            assertEquals("OK", results.get(allowed), allowed + " in " + results);
        }
        assertEquals("EBADF", results.get("pidfd_getfd"), "the kernel's own answer once seccomp lets it through: " + results);
        assertEquals("EPERM", results.get("io_uring_setup"), "no capability reopens io_uring: " + results);
    }

    @Test
    void unconfinedAndPrivilegedContainersHaveNoFilter() throws Exception {
        var unconfined = probe(LinuxContainerSecurityContext.newBuilder()
                .setSeccomp(SecurityProfile.newBuilder().setProfileType(SecurityProfile.ProfileType.Unconfined)));
        assertEquals("EFAULT", unconfined.get("io_uring_setup"), unconfined.toString());
        var privileged = shell("grep Seccomp: /proc/self/status", runtimeDefault().setPrivileged(true));
        assertTrue(privileged.getFirst().matches("Seccomp:\\s+0"), privileged.toString());
        var confined = shell("grep Seccomp: /proc/self/status", runtimeDefault());
        assertTrue(confined.getFirst().matches("Seccomp:\\s+2"), confined.toString());
    }

    @Test
    void busyboxToolsRunUnchanged() throws Exception {
        var script = """
                set -e
                cd /tmp; echo data > f; cp f g; mv g h; ln -s h l; cat l; chmod 600 h; chown 1:1 h; touch -d 2020-01-01 h
                mkdir -p d/e; find / -xdev -name e -type d | grep -q /tmp/d/e; ls -la >/dev/null; stat h >/dev/null; du -s . >/dev/null
                tar cf a.tar d h; tar tf a.tar >/dev/null; gzip -c h | gunzip | grep -q data; sha256sum h >/dev/null
                dd if=/dev/zero of=z bs=1k count=64 2>/dev/null; sort < /etc/passwd | uniq | wc -l >/dev/null
                echo x | sed s/x/y/ | awk '{print $1}' | grep -q y; mkfifo p; (echo fifo > p &); cat p
                ps >/dev/null; top -bn1 >/dev/null; free >/dev/null; df >/dev/null; uptime >/dev/null; id; hostname
                date >/dev/null; sleep 0.1; timeout 1 sleep 0.1; renice -n 5 -p $$ >/dev/null; taskset -p $$ >/dev/null; ionice -p $$ >/dev/null; kill -0 $$
                ip addr >/dev/null; ip route >/dev/null; netstat -an >/dev/null; ping -c1 -W1 127.0.0.1 >/dev/null
                nc -l -p 7000 > got & sleep 0.2; echo over-tcp | nc 127.0.0.1 7000; wait; cat got
                echo all-ok
                """;
        var out = shell(script, runtimeDefault());
        assertEquals("all-ok", out.getLast(), out.toString());
        assertTrue(out.contains("over-tcp") && out.contains("fifo"), out.toString());
    }

    @Test
    void aWebServerServes() throws Exception {
        var out = shell("mkdir /tmp/www && echo served > /tmp/www/index.html && httpd -p 127.0.0.1:8080 -h /tmp/www"
                + " && sleep 0.2 && wget -qO- http://127.0.0.1:8080/index.html", runtimeDefault());
        assertEquals(List.of("served"), out);
    }

    @Test
    void aJvmRuns() throws Exception {
        var program = Scratch.dir("critest-seccomp-java-").resolve("Hello.java");
        Files.writeString(program, """
                void main() throws Exception {
                    var threads = java.util.stream.IntStream.range(0, 4).mapToObj(i -> Thread.ofPlatform().start(() -> {})).toList();
                    for (var t : threads) t.join();
                    try (var server = new java.net.ServerSocket(0); var client = new java.net.Socket("127.0.0.1", server.getLocalPort())) {
                        server.accept().close();
                    }
                    var file = java.nio.file.Files.writeString(java.nio.file.Files.createTempFile("hello", ".txt"), "x");
                    IO.println("hello from a confined JVM, " + java.nio.file.Files.size(file) + " byte");
                }
                """);
        var java = JDK.resolve("bin/java").toString();
        var config = Pods.shell(cri, "jvm", java + " -Xshare:auto -version 2>&1 | head -1; " + java + " /src/Hello.java")
                .addMounts(readOnly(JDK.toString(), JDK.toString()))
                .addMounts(readOnly("/lib/x86_64-linux-gnu", "/lib/x86_64-linux-gnu"))
                .addMounts(readOnly("/lib64", "/lib64"))
                .addMounts(readOnly("/src", program.getParent().toString()));
        var out = run(config, runtimeDefault());
        assertTrue(out.getFirst().contains("version \"" + Runtime.version().feature()), out.toString());
        assertEquals("hello from a confined JVM, 1 byte", out.getLast(), out.toString());
    }

    private static Mount.Builder readOnly(String containerPath, String hostPath) {
        return Mount.newBuilder().setContainerPath(containerPath).setHostPath(hostPath).setReadonly(true);
    }
}
