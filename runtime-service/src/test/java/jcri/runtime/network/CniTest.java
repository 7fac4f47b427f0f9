package jcri.runtime.network;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.grpc.Status;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Optional;
import jcri.api.CriException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link Cni} against real plugins: small bash scripts in a temp dir that record their environment
 * and stdin and print a canned result, as a CNI plugin reads and writes them.
 */
class CniTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String POD = "a".repeat(64);
    private static final Cni.PodArgs ARGS = new Cni.PodArgs("web", "default", "uid-1");

    @TempDir
    Path tmp;
    private Path conf;
    private Path bin;
    private Path cacheDir;
    private Path calls;
    private Path netns;

    @BeforeEach
    void setUp() throws IOException {
        conf = Files.createDirectories(tmp.resolve("net.d"));
        bin = Files.createDirectories(tmp.resolve("bin"));
        cacheDir = tmp.resolve("cache");
        calls = Files.createFile(tmp.resolve("calls.log"));
        netns = Files.createFile(tmp.resolve("netns"));
    }

    private Cni cni() {
        return new Cni(conf, List.of(tmp.resolve("no-such-bin"), bin), cacheDir);
    }

    /** A plugin that logs "type command ifname containerid netns args path", keeps its stdin and prints {@code type.COMMAND.out}. */
    private void plugin(String type) throws IOException {
        var script = bin.resolve(type);
        Files.writeString(script, """
                #!/bin/bash
                d='%1$s'
                n=$(wc -l < "$d/calls.log")
                cat > "$d/in-$n-%2$s-$CNI_COMMAND.json"
                echo "%2$s $CNI_COMMAND $CNI_IFNAME $CNI_CONTAINERID ${CNI_NETNS:--} $CNI_ARGS $CNI_PATH" >> "$d/calls.log"
                if [ -f "$d/%2$s.$CNI_COMMAND.out" ]; then cat "$d/%2$s.$CNI_COMMAND.out"; fi
                if [ -f "$d/%2$s.$CNI_COMMAND.err" ]; then cat "$d/%2$s.$CNI_COMMAND.err" >&2; fi
                exit $(cat "$d/%2$s.$CNI_COMMAND.rc" 2>/dev/null || echo 0)
                """.formatted(tmp, type));
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    private void answer(String type, String command, String stdout, int exitCode) throws IOException {
        Files.writeString(tmp.resolve(type + "." + command + ".out"), stdout);
        Files.writeString(tmp.resolve(type + "." + command + ".rc"), Integer.toString(exitCode));
    }

    private void conflist(String file, String... pluginJson) throws IOException {
        Files.writeString(conf.resolve(file), """
                {"cniVersion":"1.0.0","name":"podnet","plugins":[%s]}""".formatted(String.join(",", pluginJson)));
    }

    private List<String[]> calls() throws IOException {
        return Files.readAllLines(calls).stream().map(l -> l.split(" ")).toList();
    }

    /** What the n-th plugin call (0-based) read on stdin. */
    private JsonNode input(int n, String type, String command) throws IOException {
        return JSON.readTree(tmp.resolve("in-" + n + "-" + type + "-" + command + ".json").toFile());
    }

    private static String result(String... addresses) {
        var ips = new StringBuilder();
        for (var a : addresses) {
            ips.append(ips.isEmpty() ? "" : ",").append("{\"address\":\"").append(a).append("\"}");
        }
        return "{\"cniVersion\":\"1.0.0\",\"interfaces\":[{\"name\":\"eth0\"}],\"ips\":[" + ips + "]}";
    }

    @Test
    void confListIsTheFirstNetworkConfigByNameAndIgnoresOtherFiles() throws IOException {
        Files.writeString(conf.resolve("00-readme.txt"), "not a config");
        Files.writeString(conf.resolve("20-b.conf"), "{}");
        Files.writeString(conf.resolve("10-a.conflist"), "{}");
        Files.writeString(conf.resolve("30-c.json"), "{}");
        assertEquals(Optional.of(conf.resolve("10-a.conflist")), cni().confList());

        Files.delete(conf.resolve("10-a.conflist"));
        assertEquals(Optional.of(conf.resolve("20-b.conf")), cni().confList());
    }

    @Test
    void noConfigDirectoryMeansNoConfListAndAddFailsAsNetworkNotReady() {
        var missing = new Cni(tmp.resolve("absent"), List.of(bin), cacheDir);
        assertEquals(Optional.empty(), missing.confList());
        var e = assertThrows(CriException.class, () -> missing.add(POD, netns, ARGS, List.of()));
        assertEquals(Status.Code.FAILED_PRECONDITION, e.code());
        assertEquals("no CNI network config in " + tmp.resolve("absent") + ": the pod network is not ready", e.getMessage());
    }

    @Test
    void addRunsEachPluginWithTheCniEnvironmentAndReturnsTheIpsWithoutPrefix() throws Exception {
        plugin("bridge");
        conflist("10-net.conflist", "{\"type\":\"bridge\",\"bridge\":\"cni0\"}");
        answer("bridge", "ADD", result("10.88.0.5/16", "fd00::5/64"), 0);

        var added = cni().add(POD, netns, ARGS, List.of());

        assertEquals(List.of("10.88.0.5", "fd00::5"), added.ips());
        assertEquals("10.88.0.5", added.primaryIp());
        var call = calls().getFirst();
        assertEquals(List.of("bridge", "ADD", "eth0", POD, netns.toString(),
                        "IgnoreUnknown=1;K8S_POD_NAMESPACE=default;K8S_POD_NAME=web;K8S_POD_INFRA_CONTAINER_ID=" + POD + ";K8S_POD_UID=uid-1",
                        tmp.resolve("no-such-bin") + ":" + bin),
                List.of(call));
        var config = input(0, "bridge", "ADD");
        assertEquals("podnet", config.path("name").asText(), "the list's name is set in each plugin's config");
        assertEquals("1.0.0", config.path("cniVersion").asText());
        assertEquals("cni0", config.path("bridge").asText(), "the plugin's own keys are passed through");
        assertFalse(config.has("prevResult"), "the first plugin has no previous result");
    }

    @Test
    void eachPluginGetsThePreviousResultAndLoopbackStaysOutOfTheChain() throws Exception {
        plugin("loopback");
        plugin("bridge");
        plugin("portmap");
        conflist("10-net.conflist", "{\"type\":\"bridge\"}", "{\"type\":\"loopback\"}", "{\"type\":\"portmap\"}");
        answer("bridge", "ADD", result("10.88.0.7/16"), 0);
        answer("loopback", "ADD", result("127.0.0.1/8"), 0);

        var added = cni().add(POD, netns, ARGS, List.of());

        assertEquals(List.of("bridge ADD eth0", "loopback ADD lo", "portmap ADD eth0"),
                calls().stream().map(c -> c[0] + " " + c[1] + " " + c[2]).toList());
        assertFalse(input(1, "loopback", "ADD").has("prevResult"), "loopback never gets the chain's result");
        assertEquals("10.88.0.7/16", input(2, "portmap", "ADD").at("/prevResult/ips/0/address").asText(),
                "the plugin after loopback chains on bridge's result, not loopback's");
        assertEquals(List.of("10.88.0.7"), added.ips(),
                "portmap printed nothing: the result is the last non-empty one of the chain");
    }

    @Test
    void portMappingsGoOnlyToPluginsWithThePortMappingsCapability() throws Exception {
        plugin("bridge");
        plugin("portmap");
        conflist("10-net.conflist", "{\"type\":\"bridge\"}", "{\"type\":\"portmap\",\"capabilities\":{\"portMappings\":true}}");
        answer("bridge", "ADD", result("10.88.0.9/16"), 0);

        cni().add(POD, netns, ARGS, List.of(new PortMapping(8080, 80, "tcp", ""), new PortMapping(5353, 53, "udp", "127.0.0.1")));

        assertFalse(input(0, "bridge", "ADD").has("runtimeConfig"));
        var mappings = input(1, "portmap", "ADD").at("/runtimeConfig/portMappings");
        assertEquals(JSON.readTree("""
                [{"hostPort":8080,"containerPort":80,"protocol":"tcp"},
                 {"hostPort":5353,"containerPort":53,"protocol":"udp","hostIP":"127.0.0.1"}]"""), mappings);
    }

    @Test
    void aSinglePluginConfIsRunAsAOneEntryList() throws Exception {
        plugin("bridge");
        Files.writeString(conf.resolve("10-single.conf"), "{\"cniVersion\":\"0.4.0\",\"name\":\"single\",\"type\":\"bridge\"}");
        answer("bridge", "ADD", result("10.1.0.2/24"), 0);

        assertEquals(List.of("10.1.0.2"), cni().add(POD, netns, ARGS, List.of()).ips());
        var config = input(0, "bridge", "ADD");
        assertEquals("single", config.path("name").asText());
        assertEquals("0.4.0", config.path("cniVersion").asText());
    }

    @Test
    void theAddResultIsCachedOnDiskAndSurvivesARestart() throws Exception {
        plugin("bridge");
        conflist("10-net.conflist", "{\"type\":\"bridge\"}");
        answer("bridge", "ADD", result("10.88.0.11/16"), 0);
        var added = cni().add(POD, netns, ARGS, List.of());

        assertTrue(Files.exists(cacheDir.resolve(POD + ".json")));
        var restarted = cni();
        assertEquals(Optional.of(added), restarted.cached(POD));
        assertEquals(List.of(POD), restarted.attachedPods());
        assertEquals(Optional.empty(), restarted.cached("b".repeat(64)));
    }

    @Test
    void deleteRunsThePluginsInReverseOrderWithTheCachedConfigAndDropsTheCache() throws Exception {
        plugin("bridge");
        plugin("portmap");
        conflist("10-net.conflist", "{\"type\":\"bridge\"}", "{\"type\":\"portmap\",\"capabilities\":{\"portMappings\":true}}");
        answer("bridge", "ADD", result("10.88.0.12/16"), 0);
        cni().add(POD, netns, ARGS, List.of(new PortMapping(8080, 80, "tcp", "")));
        // the config changes after ADD: DEL must still use what ADD used
        Files.delete(conf.resolve("10-net.conflist"));

        cni().delete(POD);

        var dels = calls().stream().filter(c -> c[1].equals("DEL")).map(c -> c[0]).toList();
        assertEquals(List.of("portmap", "bridge"), dels);
        var portmapDel = input(2, "portmap", "DEL");
        assertEquals("10.88.0.12/16", portmapDel.at("/prevResult/ips/0/address").asText());
        assertEquals(8080, portmapDel.at("/runtimeConfig/portMappings/0/hostPort").asInt());
        assertFalse(Files.exists(cacheDir.resolve(POD + ".json")));
        assertEquals(List.of(), cni().attachedPods());
    }

    @Test
    void deleteOfAPodWithNoAttachmentRunsNothing() throws Exception {
        plugin("bridge");
        conflist("10-net.conflist", "{\"type\":\"bridge\"}");
        cni().delete(POD);
        assertEquals(List.of(), calls());
    }

    @Test
    void deleteAfterTheNetnsIsGonePassesAnEmptyNetnsAndToleratesPluginFailures() throws Exception {
        plugin("bridge");
        conflist("10-net.conflist", "{\"type\":\"bridge\"}");
        answer("bridge", "ADD", result("10.88.0.13/16"), 0);
        cni().add(POD, netns, ARGS, List.of());
        Files.delete(netns);
        answer("bridge", "DEL", "{\"code\":999,\"msg\":\"cannot find link\"}", 1);

        cni().delete(POD);

        var del = calls().getLast();
        assertEquals("DEL", del[1]);
        assertEquals("-", del[4], "CNI_NETNS is empty once the namespace is gone");
        assertEquals(List.of(), cni().attachedPods(), "a failed DEL still forgets the attachment");
    }

    @Test
    void aFailedAddIsUndoneAndReportsTheCniErrorMessage() throws Exception {
        plugin("bridge");
        plugin("firewall");
        conflist("10-net.conflist", "{\"type\":\"bridge\"}", "{\"type\":\"firewall\"}");
        answer("bridge", "ADD", result("10.88.0.14/16"), 0);
        answer("firewall", "ADD", "{\"cniVersion\":\"1.0.0\",\"code\":100,\"msg\":\"iptables failed\",\"details\":\"chain missing\"}", 1);

        var e = assertThrows(CriException.class, () -> cni().add(POD, netns, ARGS, List.of()));

        assertEquals(Status.Code.INTERNAL, e.code());
        assertEquals("CNI plugin firewall ADD for pod " + POD + " failed: iptables failed: chain missing", e.getMessage());
        assertEquals(List.of("bridge ADD", "firewall ADD", "firewall DEL", "bridge DEL"),
                calls().stream().map(c -> c[0] + " " + c[1]).toList());
        assertEquals(List.of(), cni().attachedPods());
    }

    @Test
    void cniErrorCodesMapToGrpcCodes() throws Exception {
        plugin("bridge");
        conflist("10-net.conflist", "{\"type\":\"bridge\"}");
        for (var c : List.of(new int[] {11, Status.Code.UNAVAILABLE.value()}, new int[] {1, Status.Code.FAILED_PRECONDITION.value()},
                new int[] {7, Status.Code.FAILED_PRECONDITION.value()}, new int[] {3, Status.Code.INTERNAL.value()})) {
            answer("bridge", "ADD", "{\"code\":" + c[0] + ",\"msg\":\"m\"}", 1);
            var e = assertThrows(CriException.class, () -> cni().add(POD, netns, ARGS, List.of()));
            assertEquals(Status.fromCodeValue(c[1]).getCode(), e.code(), "CNI error code " + c[0]);
        }
    }

    @Test
    void aFailureWithoutJsonReportsStderr() throws Exception {
        plugin("bridge");
        conflist("10-net.conflist", "{\"type\":\"bridge\"}");
        answer("bridge", "ADD", "", 2);
        Files.writeString(tmp.resolve("bridge.ADD.err"), "  segfault in bridge\n");

        var e = assertThrows(CriException.class, () -> cni().add(POD, netns, ARGS, List.of()));
        assertEquals(Status.Code.INTERNAL, e.code());
        assertEquals("CNI plugin bridge ADD for pod " + POD + " failed: segfault in bridge", e.getMessage());
    }

    @Test
    void aMissingPluginIsAFailedPreconditionNamingTheSearchPath() throws Exception {
        conflist("10-net.conflist", "{\"type\":\"nosuch\"}");
        var e = assertThrows(CriException.class, () -> cni().add(POD, netns, ARGS, List.of()));
        assertEquals(Status.Code.FAILED_PRECONDITION, e.code());
        assertEquals("CNI plugin 'nosuch' not found in " + List.of(tmp.resolve("no-such-bin"), bin), e.getMessage());
    }

    @Test
    void anUnreadableConfigIsAFailedPrecondition() throws Exception {
        Files.writeString(conf.resolve("10-net.conflist"), "[\"not an object\"]");
        var e = assertThrows(CriException.class, () -> cni().add(POD, netns, ARGS, List.of()));
        assertEquals(Status.Code.FAILED_PRECONDITION, e.code());
        assertTrue(e.getMessage().startsWith("cannot read CNI config " + conf.resolve("10-net.conflist") + ": "), e.getMessage());
        assertEquals(List.of(), cni().attachedPods(), "nothing is cached for a config that never ran");
    }

    @Test
    void invalidJsonFromAPluginIsInternalAndUndoesTheAdd() throws Exception {
        plugin("bridge");
        conflist("10-net.conflist", "{\"type\":\"bridge\"}");
        answer("bridge", "ADD", "ips: 10.0.0.1", 0);

        var e = assertThrows(CriException.class, () -> cni().add(POD, netns, ARGS, List.of()));
        assertEquals(Status.Code.INTERNAL, e.code());
        assertEquals("CNI plugin bridge returned invalid JSON: ips: 10.0.0.1", e.getMessage());
        assertEquals(List.of("bridge ADD", "bridge DEL"), calls().stream().map(c -> c[0] + " " + c[1]).toList());
    }

    @Test
    void aDirectoryNamedLikeAConfigIsNotTheNetworkConfig() throws IOException {
        Files.createDirectories(conf.resolve("00-old.conflist"));
        conflist("10-net.conflist", "{\"type\":\"bridge\"}");
        assertEquals(Optional.of(conf.resolve("10-net.conflist")), cni().confList());
    }
}
