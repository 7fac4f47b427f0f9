package jcri.runtime.cgroup;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.logging.Logger;

/**
 * How many processes the OOM killer took in each ended container, also once its cgroup is gone (with the systemd
 * driver, systemd removes a scope, {@code memory.events} and all, milliseconds after its last process ends). The
 * container's own count is used while its cgroup exists. Otherwise its pod cgroup's is, whose cgroup v2
 * {@code memory.events} counts the kills below it and outlives its containers: per pod cgroup the ledger keeps the
 * kills already explained (there when it opened, or settled to an ended container), and the ended container gets
 * what the pod counts beyond those and beyond its running siblings' own counts. That is exact when it is the only
 * container of its pod whose cgroup vanished unsettled and the pod cgroup holds containers only; otherwise it gets
 * nothing, never another container's kills. Reads go pod, siblings, pod again (repeated while the pod's count
 * moves), so a racing kill can only be missed. On cgroup v1, or with {@code memory_localevents}, the pod cgroup
 * counts no kills below it, and the fallback finds none. Thread-safe.
 */
public final class OomKillLedger {
    private static final Logger LOG = Logger.getLogger(OomKillLedger.class.getName());
    private static final int READ_ATTEMPTS = 5;

    /** Per pod cgroup: how many of its OOM kills are explained (before {@link #open}, or settled to a container). */
    private final Map<Path, Long> explained = new HashMap<>();

    /**
     * Starts accounting for the pod cgroup of the container cgroup {@code cgroup} (just created, no kills yet),
     * unless it is accounted for already; {@code running}: the cgroups of the containers not yet settled (others
     * than this pod's are ignored). Forgets pod cgroups that are gone.
     */
    public synchronized void open(Path cgroup, Collection<Path> running) {
        explained.keySet().removeIf(pod -> !Files.isDirectory(pod));
        var pod = cgroup.getParent();
        if (explained.containsKey(pod)) {
            return;
        }
        read(pod, siblings(cgroup, running)).ifPresent(counts -> explained.put(pod, counts.unexplained()));
    }

    /**
     * Settles the OOM kills of the ended container in {@code cgroup}: its own count while the cgroup exists,
     * otherwise the pod cgroup's share (see the class comment); empty if unknown. {@code running} and {@code ended}:
     * the cgroups of the other containers not yet settled and of those settled (others than this pod's are ignored).
     */
    public synchronized OptionalLong settle(Path cgroup, Collection<Path> running, Collection<Path> ended) {
        var pod = cgroup.getParent();
        var own = CgroupReader.oomKills(cgroup);
        var before = explained.get(pod);
        if (own.isPresent() || before == null) {
            if (own.isPresent() && before != null) {
                explained.put(pod, before + own.getAsLong());
            }
            return own;
        }
        var siblings = siblings(cgroup, running);
        var counts = read(pod, siblings);
        if (counts.isEmpty()) { // the pod cgroup is gone, or kills kept coming: stop accounting until the next open
            explained.remove(pod);
            return OptionalLong.empty();
        }
        long kills = Math.max(0, counts.get().unexplained() - before);
        explained.put(pod, before + kills);
        var known = new HashSet<>(siblings);
        known.add(cgroup);
        known.addAll(ended);
        if (kills > 0 && counts.get().vanished() > 0) {
            LOG.warning(kills + " OOM kill(s) in " + pod + " belong to " + cgroup.getFileName() + " or to another container whose cgroup"
                    + " is gone too; given to neither");
            return OptionalLong.empty();
        }
        if (kills > 0 && !onlyContainers(pod, known)) {
            LOG.warning(kills + " OOM kill(s) in " + pod + ", which holds cgroups of no container, given to none");
            return OptionalLong.empty();
        }
        return OptionalLong.of(kills);
    }

    private static Collection<Path> siblings(Path cgroup, Collection<Path> running) {
        return running.stream().filter(p -> cgroup.getParent().equals(p.getParent()) && !p.equals(cgroup)).toList();
    }

    /**
     * The pod cgroup's count less its running containers' own counts, and how many of those containers' cgroups
     * are gone; empty if the pod cgroup is gone or its count kept moving.
     */
    private static Optional<Counts> read(Path pod, Collection<Path> containers) {
        for (int attempt = 0; attempt < READ_ATTEMPTS; attempt++) {
            var first = CgroupReader.subtreeOomKills(pod);
            if (first.isEmpty()) {
                return Optional.empty();
            }
            long inContainers = 0;
            int vanished = 0;
            for (var container : containers) {
                var own = CgroupReader.oomKills(container);
                if (own.isPresent()) {
                    inContainers += own.getAsLong();
                } else {
                    vanished++;
                }
            }
            if (CgroupReader.subtreeOomKills(pod).equals(first)) {
                return Optional.of(new Counts(first.getAsLong() - inContainers, vanished));
            }
        }
        return Optional.empty();
    }

    /** Kills in the pod cgroup beyond its running containers' own counts; running containers whose cgroup is gone. */
    private record Counts(long unexplained, int vanished) {
    }

    /** Whether every cgroup below {@code pod} is one of {@code containers}. */
    private static boolean onlyContainers(Path pod, Collection<Path> containers) {
        try (var children = Files.list(pod)) {
            return children.filter(Files::isDirectory).allMatch(containers::contains);
        } catch (IOException e) {
            return false;
        }
    }
}
