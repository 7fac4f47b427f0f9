package jcri.runtime.cgroup;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;
import jcri.store.Trees;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills given to ended containers, on cgroup trees written by the test: a pod slice with {@code jcri-<id>.scope}
 * cgroups, a scope removed (as systemd does) before its container's end is settled.
 */
class OomKillLedgerTest {
    @TempDir
    Path dir;
    private Path pod;
    private final OomKillLedger ledger = new OomKillLedger();

    @BeforeEach
    void pod() throws Exception {
        pod = Files.createDirectories(dir.resolve("kubepods.slice/kubepods-pod1.slice"));
        kills(pod, 0);
    }

    /** Writes {@code cgroup}'s memory.events with {@code oomKills} kills (made if absent); returns it. */
    private static Path kills(Path cgroup, long oomKills) throws Exception {
        Files.createDirectories(cgroup);
        Files.writeString(cgroup.resolve("memory.events"),
                "low 0\nhigh 0\nmax 12\noom " + oomKills + "\noom_kill " + oomKills + "\noom_group_kill 0\n");
        return cgroup;
    }

    private Path scope(String id) throws Exception {
        return kills(pod.resolve("jcri-" + id + ".scope"), 0);
    }

    private static void gone(Path cgroup) throws Exception {
        Trees.delete(cgroup);
    }

    @Test
    void aContainerWhoseCgroupIsThereGivesItsOwnCount() throws Exception {
        var a = scope("a");
        ledger.open(a, List.of());
        kills(a, 2);
        kills(pod, 2);
        assertEquals(OptionalLong.of(2), ledger.settle(a, List.of(), List.of()));
    }

    @Test
    void aContainerWhoseScopeIsGoneGetsItsPodsNewKills() throws Exception {
        var a = scope("a");
        ledger.open(a, List.of());
        kills(pod, 1);
        gone(a);
        assertEquals(OptionalLong.of(1), ledger.settle(a, List.of(), List.of()));
    }

    @Test
    void aScopeGoneWithoutKillsGetsNone() throws Exception {
        var a = scope("a");
        ledger.open(a, List.of());
        gone(a);
        assertEquals(OptionalLong.of(0), ledger.settle(a, List.of(), List.of()));
    }

    @Test
    void killsFromBeforeTheLedgerOpenedAreNobodys() throws Exception {
        kills(pod, 3); // an earlier container's, removed before this one was made
        var a = scope("a");
        ledger.open(a, List.of());
        gone(a);
        assertEquals(OptionalLong.of(0), ledger.settle(a, List.of(), List.of()));
    }

    @Test
    void aRunningSiblingsOwnKillsAreNotGivenToTheEndedContainer() throws Exception {
        var a = scope("a");
        ledger.open(a, List.of());
        var b = scope("b");
        ledger.open(b, List.of(a));
        kills(b, 1);
        kills(pod, 1);
        gone(a);
        assertEquals(OptionalLong.of(0), ledger.settle(a, List.of(b), List.of()));
    }

    @Test
    void theEndedContainerGetsItsKillsWhileASiblingRunsClean() throws Exception {
        var sidecar = scope("sidecar");
        ledger.open(sidecar, List.of());
        var app = scope("app");
        ledger.open(app, List.of(sidecar));
        kills(pod, 1);
        gone(app);
        assertEquals(OptionalLong.of(1), ledger.settle(app, List.of(sidecar), List.of()));
    }

    @Test
    void killsSettledToOneContainerAreNotGivenToTheNext() throws Exception {
        var a = scope("a");
        var b = scope("b");
        ledger.open(a, List.of());
        ledger.open(b, List.of(a));
        kills(a, 1);
        kills(pod, 1);
        assertEquals(OptionalLong.of(1), ledger.settle(a, List.of(b), List.of()), "a's own count, its scope still there");
        gone(a);
        gone(b);
        assertEquals(OptionalLong.of(0), ledger.settle(b, List.of(), List.of(a)));
        var c = scope("c");
        ledger.open(c, List.of());
        kills(pod, 2);
        gone(c);
        assertEquals(OptionalLong.of(1), ledger.settle(c, List.of(), List.of()), "only the kill since b was settled");
    }

    @Test
    void twoContainersGoneUnsettledShareNoKills() throws Exception {
        var a = scope("a");
        var b = scope("b");
        ledger.open(a, List.of());
        ledger.open(b, List.of(a));
        kills(pod, 1);
        gone(a);
        gone(b);
        assertEquals(OptionalLong.empty(), ledger.settle(a, List.of(b), List.of()), "a's or b's: unknown");
        assertEquals(OptionalLong.of(0), ledger.settle(b, List.of(), List.of(a)), "the kill is settled already, to neither");
    }

    @Test
    void twoContainersGoneWithoutKillsBothGetNone() throws Exception {
        var a = scope("a");
        var b = scope("b");
        ledger.open(a, List.of());
        ledger.open(b, List.of(a));
        gone(a);
        gone(b);
        assertEquals(OptionalLong.of(0), ledger.settle(a, List.of(b), List.of()));
        assertEquals(OptionalLong.of(0), ledger.settle(b, List.of(), List.of(a)));
    }

    @Test
    void aPodCgroupHoldingOtherCgroupsGivesNoKills() throws Exception {
        var a = scope("a");
        ledger.open(a, List.of());
        kills(pod.resolve("someone-else.scope"), 0);
        kills(pod, 1);
        gone(a);
        assertEquals(OptionalLong.empty(), ledger.settle(a, List.of(), List.of()));
    }

    @Test
    void anEndedSiblingsCgroupStillThereIsAContainersNotAStrangers() throws Exception {
        var a = scope("a");
        var b = scope("b");
        ledger.open(a, List.of());
        ledger.open(b, List.of(a));
        assertEquals(OptionalLong.of(0), ledger.settle(b, List.of(a), List.of()));
        kills(pod, 1);
        gone(a);
        assertEquals(OptionalLong.of(1), ledger.settle(a, List.of(), List.of(b)));
    }

    @Test
    void withoutAV2PodCgroupOnlyTheOwnCountIsKnown() throws Exception {
        var v1 = Files.createDirectories(dir.resolve("memory/kubepods/pod2"));
        var c = Files.createDirectories(v1.resolve("c"));
        Files.writeString(c.resolve("memory.oom_control"), "oom_kill_disable 0\nunder_oom 0\noom_kill 1\n");
        ledger.open(c, List.of());
        assertEquals(OptionalLong.of(1), ledger.settle(c, List.of(), List.of()));
        gone(c);
        assertEquals(OptionalLong.empty(), ledger.settle(c, List.of(), List.of()));
    }

    @Test
    void aGonePodCgroupIsForgotten() throws Exception {
        var a = scope("a");
        ledger.open(a, List.of());
        gone(pod);
        assertEquals(OptionalLong.empty(), ledger.settle(a, List.of(), List.of()));
        pod();
        kills(pod, 1);
        var b = scope("b");
        ledger.open(b, List.of());
        kills(pod, 2);
        gone(b);
        assertEquals(OptionalLong.of(1), ledger.settle(b, List.of(), List.of()), "counted from the new pod cgroup's open");
    }
}
