package jcri.runtime.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.grpc.Status;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import jcri.api.CriException;
import jcri.api.v1.ContainerConfig;
import jcri.api.v1.KeyValue;
import org.junit.jupiter.api.Test;

class ProcessBoundsTest {
    private static ContainerConfig.Builder withEnv(int entries, String value) {
        var config = ContainerConfig.newBuilder().addCommand("sh").addArgs("-c").addArgs("true");
        for (int i = 0; i < entries; i++) {
            config.addEnvs(KeyValue.newBuilder().setKey("V" + i).setValue(value));
        }
        return config;
    }

    private static String refusal(ContainerConfig.Builder config) {
        var e = assertThrows(CriException.class, () -> ProcessBounds.check(config.build()));
        assertEquals(Status.Code.INVALID_ARGUMENT, e.code());
        return e.getMessage();
    }

    @Test
    void aThousandVariablesPassQuickly() {
        var config = withEnv(1000, "x".repeat(100)).build();
        assertTimeoutPreemptively(Duration.ofSeconds(1), () -> ProcessBounds.check(config));
    }

    @Test
    void asManyEntriesAsTheBoundPass() {
        ProcessBounds.check(withEnv(ProcessBounds.MAX_ENTRIES, "").build());
        ProcessBounds.check(ContainerConfig.newBuilder().addAllArgs(Collections.nCopies(ProcessBounds.MAX_ENTRIES, "a")).build());
    }

    @Test
    void moreEnvEntriesAreRefusedWithTheirCount() {
        assertEquals("env has 65537 entries; at most 65536 are accepted", refusal(withEnv(ProcessBounds.MAX_ENTRIES + 1, "")));
    }

    @Test
    void commandAndArgsAreCountedTogether() {
        var config = ContainerConfig.newBuilder().addAllCommand(Collections.nCopies(40_000, "c"))
                .addAllArgs(Collections.nCopies(30_000, "a"));
        assertEquals("command and args have 70000 entries together; at most 65536 are accepted", refusal(config));
    }

    @Test
    void aStringOfTheKernelsLongestPasses() {
        ProcessBounds.check(ContainerConfig.newBuilder().addArgs("a".repeat(ProcessBounds.MAX_STRING)).build());
        ProcessBounds.check(withEnv(1, "v".repeat(ProcessBounds.MAX_STRING - "V0=".length())).build());
    }

    @Test
    void aLongerArgIsRefusedByItsPlace() {
        var config = ContainerConfig.newBuilder().addCommand("sh").addArgs("-c").addArgs("a".repeat(ProcessBounds.MAX_STRING + 1));
        assertEquals("args entry 1 is 131072 bytes; Linux runs no program with a string over 131071", refusal(config));
    }

    @Test
    void aLongerEnvEntryIsRefusedByItsKey() {
        var config = withEnv(2, "").addEnvs(KeyValue.newBuilder().setKey("BIG").setValue("v".repeat(ProcessBounds.MAX_STRING)));
        assertEquals("env entry 2 ('BIG') is 131075 bytes as key=value; Linux runs no program with a string over 131071",
                refusal(config));
    }

    @Test
    void stringsAreMeasuredInUtf8Bytes() {
        var config = ContainerConfig.newBuilder().addArgs("é".repeat(ProcessBounds.MAX_STRING / 2 + 1));
        assertEquals("args entry 0 is 131072 bytes; Linux runs no program with a string over 131071", refusal(config));
    }

    @Test
    void theTotalIsCountedAsExecCountsIt() {
        // 48 env entries of 131,071 bytes: 48 × (131,071 + 1 + 8) = 6,291,840 bytes with "sh -c true" (35 bytes)
        var config = withEnv(0, "").addAllEnvs(Collections.nCopies(48,
                KeyValue.newBuilder().setKey("K").setValue("v".repeat(ProcessBounds.MAX_STRING - 2)).build()));
        assertEquals("command, args and env take 6291875 bytes as exec counts them (each string, its NUL and an 8-byte "
                + "pointer); Linux runs no program with more than 6291456", refusal(config));
        config.removeEnvs(0);
        ProcessBounds.check(config.build());
    }

    @Test
    void anExecCommandIsBoundedToo() {
        ProcessBounds.checkCommand(List.of("sh", "-c", "x".repeat(ProcessBounds.MAX_STRING)));
        var tooMany = assertThrows(CriException.class, () -> ProcessBounds.checkCommand(Collections.nCopies(70_000, "a")));
        assertEquals("cmd has 70000 entries; at most 65536 are accepted", tooMany.getMessage());
        var tooLong = assertThrows(CriException.class, () -> ProcessBounds.checkCommand(List.of("sh", "y".repeat(200_000))));
        assertEquals("cmd entry 1 is 200000 bytes; Linux runs no program with a string over 131071", tooLong.getMessage());
    }
}
