package jcri.runtime.sandbox;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import jcri.api.CriException;
import jcri.process.Command;
import jcri.snapshot.MountTable;

/**
 * Creates a pod's network, IPC and UTS namespaces and pins each as a bind-mounted file (one
 * {@code unshare(1)}, which also sets the pod's hostname inside the new UTS namespace), so they
 * live without any process until the pod is removed.
 */
public final class NamespacePinner {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    /** The namespaces to create; the pinned files go in {@code dir} as {@code net}, {@code ipc}, {@code uts}. */
    public record Request(Path dir, boolean net, boolean ipc, boolean uts, String hostname) {
    }

    public void pin(Request request) throws IOException, InterruptedException {
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

    /** Unmounts and deletes every pinned namespace in {@code dir}; missing ones are fine. */
    public void release(Path dir) throws IOException {
        for (var kind : List.of("net", "ipc", "uts")) {
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
