package jcri.runtime.sandbox;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import jcri.api.CriException;
import jcri.linux.ErrnoException;
import jcri.linux.LinuxCalls;
import jcri.process.Command;
import jcri.runtime.oci.IdMappings;
import jcri.snapshot.MountTable;

/**
 * Creates a pod's network, IPC and UTS namespaces and pins each as a bind-mounted file (one
 * {@code unshare(1)}, which also sets the pod's hostname inside the new UTS namespace), so they
 * live without any process until the pod is removed. A pod with its own user namespace gets that first,
 * with its mappings, and the others are made inside it (so that the pod's root owns them); see
 * {@link NamespaceHolder}.
 */
public final class NamespacePinner {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private static final List<String> KINDS = List.of("net", "ipc", "uts", "user");

    /**
     * The namespaces to create; the pinned files go in {@code dir} as {@code net}, {@code ipc}, {@code uts} and
     * {@code user} (when {@code userns} holds the mappings of a user namespace of the pod's own).
     */
    public record Request(Path dir, boolean net, boolean ipc, boolean uts, String hostname, Optional<IdMappings> userns) {
        /** In the node's user namespace. */
        public Request(Path dir, boolean net, boolean ipc, boolean uts, String hostname) {
            this(dir, net, ipc, uts, hostname, Optional.empty());
        }
    }

    public void pin(Request request) throws IOException, InterruptedException {
        if (request.userns().isPresent()) {
            try {
                pinInUserNamespace(request, request.userns().get());
            } catch (IOException | InterruptedException | RuntimeException e) {
                release(request.dir());
                throw e;
            }
            return;
        }
        if (!request.net() && !request.ipc() && !request.uts()) {
            return;
        }
        Files.createDirectories(request.dir());
        var args = new ArrayList<String>(List.of("unshare"));
        for (var kind : List.of("net", "ipc", "uts")) {
            if (wanted(request, kind)) {
                var file = request.dir().resolve(kind);
                Files.deleteIfExists(file);
                Files.createFile(file);
                args.add("--" + kind + "=" + file);
            }
        }
        if (request.uts()) {
            args.addAll(List.of("hostname", request.hostname()));
        } else {
            args.add("true");
        }
        var result = Command.run(args, TIMEOUT);
        if (!result.ok()) {
            release(request.dir());
            throw CriException.internal("cannot create the pod's namespaces: " + result.error(), null);
        }
    }

    /**
     * A user namespace with {@code mappings} (made by an unprivileged {@code unshare --user} whose maps jcrid writes),
     * then the other namespaces inside it ({@code nsenter} as its root, then {@code unshare}); each pinned from its
     * holder's {@code /proc/<pid>/ns}.
     */
    private static void pinInUserNamespace(Request request, IdMappings mappings) throws IOException, InterruptedException {
        Files.createDirectories(request.dir());
        var user = request.dir().resolve("user");
        try (var holder = NamespaceHolder.start(List.of("unshare", "--user", "--"), "", TIMEOUT)) {
            Files.writeString(holder.proc().resolve("uid_map"), mappings.uids().procLine());
            Files.writeString(holder.proc().resolve("gid_map"), mappings.gids().procLine());
            pinFrom(holder, "user", user);
        }
        if (!request.net() && !request.ipc() && !request.uts()) {
            return;
        }
        var args = new ArrayList<>(List.of("nsenter", "--user=" + user, "--", "unshare"));
        for (var kind : List.of("net", "ipc", "uts")) {
            if (wanted(request, kind)) {
                args.add("--" + kind);
            }
        }
        args.add("--");
        try (var holder = NamespaceHolder.start(args, request.uts() ? request.hostname() : "", TIMEOUT)) {
            for (var kind : List.of("net", "ipc", "uts")) {
                if (wanted(request, kind)) {
                    pinFrom(holder, kind, request.dir().resolve(kind));
                }
            }
        }
    }

    private static void pinFrom(NamespaceHolder holder, String kind, Path file) throws IOException {
        Files.deleteIfExists(file);
        Files.createFile(file);
        try {
            LinuxCalls.mount(holder.proc().resolve("ns").resolve(kind).toString(), file.toString(), null, LinuxCalls.MS_BIND, null);
        } catch (ErrnoException e) {
            throw CriException.internal("cannot pin the pod's " + kind + " namespace: " + e.getMessage(), e);
        }
    }

    /** Unmounts and deletes every pinned namespace in {@code dir}; missing ones are fine. */
    public void release(Path dir) throws IOException {
        for (var kind : KINDS) {
            var file = dir.resolve(kind);
            MountTable.unmount(file);
            Files.deleteIfExists(file);
        }
    }

    private static boolean wanted(Request request, String kind) {
        return switch (kind) {
            case "net" -> request.net();
            case "ipc" -> request.ipc();
            default -> request.uts();
        };
    }
}
