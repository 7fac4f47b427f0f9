package jcri.critest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import jcri.api.v1.ListContainersRequest;
import jcri.api.v1.ListPodSandboxRequest;

/**
 * Finds what a jcrid started in {@code dir} holds that belongs to no live pod or container (as the
 * CRI lists them): mounts (overlay rootfs, pinned namespaces, /dev/shm) under its directory, pod
 * and container state and records, conmon and PID-namespace-holder processes, runc state, active
 * snapshots, CNI cache entries and IPAM leases, and container cgroups below {@code cgroupParent}.
 * An empty list means no leak. A directory jcrid makes at start that is missing fails the search, as does a
 * missing parent of one it makes on first use (pods, runc state, IPAM leases): a layout that changed would
 * otherwise hide every leak.
 */
public final class Leaks {
    private Leaks() {
    }

    /** Everything leaked, one line each. */
    public static List<String> find(CriClient cri, Path dir, String cgroupParent) {
        for (var made : List.of("state/containers", "state/exits", "state/attach", "root/pods", "root/containers", "root/cni",
                "root/snapshots")) {
            require(dir.resolve(made));
        }
        try {
            var pods = new HashSet<String>();
            cri.runtime().listPodSandbox(ListPodSandboxRequest.getDefaultInstance()).getItemsList().forEach(p -> pods.add(p.getId()));
            var containers = new HashSet<String>();
            cri.runtime().listContainers(ListContainersRequest.getDefaultInstance()).getContainersList()
                    .forEach(c -> containers.add(c.getId()));
            var live = new HashSet<>(pods);
            live.addAll(containers);
            var leaks = new ArrayList<String>();
            for (var line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
                var mountPoint = line.split(" ")[4];
                if (mountPoint.startsWith(dir + "/") && !owned(mountPoint, live)) {
                    leaks.add("mount " + mountPoint);
                }
            }
            entries(lazy(dir.resolve("state/pods")), pods, "pod state", leaks);
            entries(dir.resolve("state/containers"), containers, "container bundle", leaks);
            entries(dir.resolve("state/exits"), containers, "exit file", leaks);
            entries(dir.resolve("root/pods"), pods, "pod record", leaks);
            entries(dir.resolve("root/containers"), containers, "container record", leaks);
            entries(dir.resolve("root/cni"), pods, "CNI cache entry", leaks);
            try (var links = list(dir.resolve("state/attach"))) {
                links.filter(l -> !live.contains(read(l, true))).forEach(l -> leaks.add("attach socket link " + l.getFileName()));
            }
            try (var handlers = list(lazy(dir.resolve("state/runtime")))) {
                handlers.forEach(h -> entries(h, containers, "runc state", leaks));
            }
            try (var ranges = list(lazy(dir.resolve("ipam")))) {
                ranges.forEach(range -> {
                    try (var leases = list(range)) {
                        leases.filter(l -> l.getFileName().toString().matches("[0-9a-f.:]+"))
                                .filter(l -> !pods.contains(read(l).lines().findFirst().orElse("").strip()))
                                .forEach(l -> leaks.add("IPAM lease " + l.getFileName() + " of " + read(l).strip()));
                    }
                });
            }
            activeSnapshots(dir.resolve("root/snapshots"), containers, leaks);
            processes(dir, live, leaks);
            cgroups(cgroupParent, containers, leaks);
            return leaks;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static boolean owned(String path, Set<String> live) {
        return live.stream().anyMatch(id -> path.contains("/" + id + "/") || path.endsWith("/" + id));
    }

    /** Names in {@code dir} (files without their .json suffix) that are not live ids. */
    private static void entries(Path dir, Set<String> live, String what, List<String> leaks) {
        try (var names = list(dir)) {
            names.map(p -> p.getFileName().toString().replaceFirst("\\.json$", ""))
                    .filter(n -> n.matches("[0-9a-f]{64}") && !live.contains(n))
                    .forEach(n -> leaks.add(what + " " + n));
        }
    }

    /** Active snapshots are containers' writable layers, views their image volumes ({@code <id>-vol-<n>}); the metadata names the key. */
    private static void activeSnapshots(Path snapshots, Set<String> containers, List<String> leaks) throws IOException {
        var file = snapshots.resolve("meta/snapshots.json");
        if (!Files.exists(file)) {
            return;
        }
        for (var snapshot : new com.fasterxml.jackson.databind.ObjectMapper().readTree(file.toFile()).path("snapshots")) {
            var key = snapshot.path("key").asText();
            if (!snapshot.path("kind").asText().equals("COMMITTED") && !containers.contains(key.replaceFirst("-vol-[0-9]+$", ""))) {
                leaks.add(snapshot.path("kind").asText().toLowerCase() + " snapshot " + key);
            }
        }
    }

    /** conmon processes working on this daemon's bundles, and PID-namespace holders logging into its pod dirs. */
    private static void processes(Path dir, Set<String> live, List<String> leaks) {
        ProcessHandle.allProcesses().forEach(p -> {
            var args = String.join(" ", p.info().arguments().orElse(new String[0]));
            var command = p.info().command().orElse("");
            if (command.endsWith("/conmon") && args.contains(dir + "/state/") && live.stream().noneMatch(args::contains)) {
                leaks.add("conmon pid " + p.pid() + ": " + args);
            }
            if (command.endsWith("unshare")) {
                try {
                    var stderr = Files.readSymbolicLink(Path.of("/proc/" + p.pid() + "/fd/2")).toString();
                    if (stderr.startsWith(dir + "/state/pods/") && !owned(stderr, live)) {
                        leaks.add("PID namespace holder pid " + p.pid());
                    }
                } catch (IOException gone) {
                    // exited meanwhile
                }
            }
        });
    }

    /** Container cgroups (named by container id) below the pods' cgroup parent, in every hierarchy. */
    private static void cgroups(String parent, Set<String> containers, List<String> leaks) throws IOException {
        try (var hierarchies = list(Path.of("/sys/fs/cgroup"))) {
            hierarchies.map(h -> h.resolve(parent)).filter(Files::isDirectory).forEach(dir -> {
                try (var children = list(dir)) {
                    children.filter(Files::isDirectory).map(c -> c.getFileName().toString())
                            .filter(n -> n.matches("[0-9a-f]{64}") && !containers.contains(n))
                            .forEach(n -> leaks.add("cgroup " + dir.resolve(n)));
                }
            });
        }
    }

    /** Removes the (empty) cgroup {@code parent} a spec's pods used, from every hierarchy. */
    public static void removeCgroup(String parent) {
        try (var hierarchies = list(Path.of("/sys/fs/cgroup"))) {
            hierarchies.map(h -> h.resolve(parent)).filter(Files::isDirectory).forEach(dir -> {
                try {
                    Files.delete(dir);
                } catch (IOException e) {
                    throw new UncheckedIOException("cgroup " + dir + " is not empty", e);
                }
            });
        }
    }

    private static void require(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new IllegalStateException("no " + dir + ": jcrid's layout is not what this leak search reads");
        }
    }

    /** {@code dir}, made on first use: its parent must be there. */
    private static Path lazy(Path dir) {
        require(dir.getParent());
        return dir;
    }

    private static Stream<Path> list(Path dir) {
        try {
            return Files.isDirectory(dir) ? Files.list(dir) : Stream.empty();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String read(Path file) {
        return read(file, false);
    }

    /** A file's text, or with {@code link} the last name of a symbolic link's target; empty if unreadable. */
    private static String read(Path file, boolean link) {
        try {
            return link ? Files.readSymbolicLink(file).getFileName().toString() : Files.readString(file);
        } catch (IOException e) {
            return "";
        }
    }
}
