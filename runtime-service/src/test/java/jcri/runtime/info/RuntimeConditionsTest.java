package jcri.runtime.info;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RuntimeConditionsTest {
    @TempDir
    Path tmp;

    @Test
    void aRuntimeBinaryThatIsNotExecutableIsMissing() throws Exception {
        Files.writeString(tmp.resolve("runc"), "");
        var condition = new RuntimeConditions(tmp.resolve("runc"), tmp).runtime();
        assertEquals(new RuntimeConditions.Condition("RuntimeReady", false, "RuntimeBinaryMissing",
                "the OCI runtime " + tmp.resolve("runc") + " is missing or not executable"), condition);
    }

    @Test
    void onlyARegularFileWithANetworkConfigSuffixMakesTheNetworkReady() throws Exception {
        var dir = Files.createDirectories(tmp.resolve("net.d"));
        Files.writeString(dir.resolve("10-net.conflist.bak"), "{}");
        Files.createDirectories(dir.resolve("20-dir.conf"));
        var conditions = new RuntimeConditions(tmp.resolve("runc"), dir);
        assertEquals(new RuntimeConditions.Condition("NetworkReady", false, "NetworkPluginNotReady",
                "no CNI network config (*.conflist, *.conf, *.json) found in " + dir), conditions.network());

        Files.writeString(dir.resolve("99-net.json"), "{}");
        assertEquals(new RuntimeConditions.Condition("NetworkReady", true, "", ""), conditions.network());
    }

    @Test
    void aMissingConfigDirectoryIsNotReadyRatherThanAnError() {
        assertEquals(false, new RuntimeConditions(tmp.resolve("runc"), tmp.resolve("absent")).network().ready());
    }
}
