package jcri.runtime.oci;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import jcri.api.v1.LinuxContainerSecurityContext;
import jcri.api.v1.SecurityProfile;
import jcri.runtime.oci.spec.Spec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The records read back what they write, as an exec reads config.json, and pass a Localhost profile through. */
class SpecJsonTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    @Test
    void aGoldenSpecReadsBackWhole() throws IOException {
        for (var golden : List.of("resources-mounts", "restricted", "privileged")) {
            var tree = JSON.readTree(OciSpecGoldenTest.GOLDEN.resolve(golden + ".json").toFile());
            var spec = JSON.treeToValue(tree, Spec.class);
            assertEquals(List.of(), JsonDiff.of(tree, JSON.valueToTree(spec)), golden);
        }
    }

    @Test
    void anExecProcessIsTheContainersWithOtherArgsAndTerminal() throws IOException {
        var tree = JSON.readTree(OciSpecGoldenTest.GOLDEN.resolve("restricted.json").toFile());
        var exec = JSON.treeToValue(tree, Spec.class).process().withArgs(List.of("ls", "-l"), true);
        var expected = tree.get("process").deepCopy();
        ((com.fasterxml.jackson.databind.node.ObjectNode) expected).put("terminal", true).putArray("args").add("ls").add("-l");
        assertEquals(List.of(), JsonDiff.of(expected, JSON.valueToTree(exec)));
    }

    @Test
    void aLocalhostProfileKeepsFieldsTheRecordDoesNotNameAndFullUnsignedValues() throws IOException {
        var text = """
                {"defaultAction": "SCMP_ACT_ERRNO", "listenerMetadata": "agent", "x-vendor": {"level": 2},
                 "syscalls": [{"names": ["ioctl"], "action": "SCMP_ACT_ALLOW", "comment": "tty only",
                               "args": [{"index": 1, "value": 18446744073709551615, "op": "SCMP_CMP_MASKED_EQ", "valueTwo": 21505}]}]}
                """;
        var file = Files.writeString(tmp.resolve("profile.json"), text);
        var profile = SeccompProfiles.forContext(LinuxContainerSecurityContext.newBuilder().setSeccomp(SecurityProfile.newBuilder()
                .setProfileType(SecurityProfile.ProfileType.Localhost).setLocalhostRef("localhost/" + file)).build(), List.of(), List.of());
        assertEquals(new BigInteger("18446744073709551615"), profile.syscalls().getFirst().args().getFirst().value());
        assertEquals(List.of(), JsonDiff.of(JSON.readTree(text), JSON.valueToTree(profile)));
    }
}
