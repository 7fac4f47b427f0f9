package jcri.critest.bench;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.UnaryOperator;
import jcri.critest.TestRegistry;
import jcri.image.oci.MediaTypes.Compression;
import jcri.image.testing.ImageBuilder;
import jcri.image.testing.LayerBuilder;
import jcri.image.testing.TestImages;

/**
 * The images upstream critest v1.28 pulls, built from busybox-static and pushed to the test registry
 * under the repository paths and tags critest names, so that a runtime mirroring {@link #HOSTS} to that
 * registry pulls them by their upstream names. Each has what its specs read: a web server on the port
 * they probe, the users and groups the user specs expect, a set-user-ID program for NoNewPrivs, the
 * log line the multi-container spec waits for. Only {@code test-image-digest@sha256:…} is missing: no
 * generated image can have upstream's digest.
 */
final class UpstreamImages {
    /** The registries critest's images come from; a runtime mirrors each to the test registry. */
    static final List<String> HOSTS = List.of("registry.k8s.io", "gcr.io", "public.ecr.aws");
    private static final String E2E = "e2e-test-images/";
    private static final String CRI_TOOLS = "k8s-staging-cri-tools/";
    /** critest's image benchmarks list these (public.ecr.aws, Docker's library). */
    private static final List<String> BENCHMARK_TAGS = List.of("1.35.0-glibc", "1-uclibc", "1", "1-glibc", "1-musl");

    private UpstreamImages() {
    }

    /** Builds every image and pushes it; {@code scratch} holds the compiled set-user-ID program. */
    static void push(Path scratch) throws IOException, InterruptedException {
        var base = base();
        var shell = image(base, b -> b.cmd("sh"));
        push(E2E + "busybox:1.29-2", shell);
        push(E2E + "nginx:1.14-2", image(base, b -> b.entrypoint("httpd", "-f", "-p", "80", "-h", "/var/www")));
        // Apache logs its command line at start; critest's multi-container spec waits for that line
        push(E2E + "httpd:2.4.39-4", image(base, b -> b.entrypoint("sh", "-c",
                "echo \"AH00094: Command line: 'httpd -D FOREGROUND'\" >&2; exec httpd -f -p 80 -h /var/www")));
        var setuid = new LayerBuilder().dir("usr").dir("usr/local").dir("usr/local/bin")
                .file("usr/local/bin/effective-uid", effectiveUid(scratch), 04755);
        push(E2E + "nonewprivs:1.3", image(base, b -> b.layer(setuid, Compression.GZIP).entrypoint("/usr/local/bin/effective-uid")));
        push(CRI_TOOLS + "hostnet-nginx-amd64:latest", image(base, b -> b.entrypoint("httpd", "-f", "-p", "12003", "-h", "/var/www")));
        for (var reference : List.of("test-image-latest:latest", "test-image-tag:test", "test-image-tag:all",
                "test-image-tags:1", "test-image-tags:2", "test-image-tags:3", "test-image-predefined-group:latest")) {
            push(CRI_TOOLS + reference, shell);
        }
        for (int i = 1; i <= 3; i++) {
            var n = Integer.toString(i);
            push(CRI_TOOLS + "test-image-" + n + ":latest", image(base, b -> b.cmd("sh").label("jcri.critest.image", n)));
        }
        push(CRI_TOOLS + "test-image-user-uid:latest", image(base, b -> b.user("1002")));
        push(CRI_TOOLS + "test-image-user-username:latest", image(base, b -> b.user("www-data")));
        push(CRI_TOOLS + "test-image-user-uid-group:latest", image(base, b -> b.user("1003:1003")));
        push(CRI_TOOLS + "test-image-user-username-group:latest", image(base, b -> b.user("www-data:www-data")));
        for (var tag : BENCHMARK_TAGS) {
            push("docker/library/busybox:" + tag, image(base, b -> b.cmd("sh").label("jcri.critest.tag", tag)));
        }
    }

    /**
     * The layer on top of busybox: every applet linked in /usr/bin, a pgrep, www-data (33), a user 1000 whose
     * supplementary group 50000 exists only in the image's /etc/group, and a page for the web servers.
     */
    private static LayerBuilder base() throws IOException, InterruptedException {
        var list = new ProcessBuilder("/usr/bin/busybox", "--list").redirectErrorStream(true).start();
        var applets = new String(list.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        if (list.waitFor() != 0 || applets.isEmpty()) {
            throw new IllegalStateException("busybox --list failed: " + applets);
        }
        var layer = new LayerBuilder().dir("usr").dir("usr/bin");
        for (var applet : applets) {
            layer.symlink("usr/bin/" + applet, "/bin/busybox");
        }
        // Debian's busybox has no pgrep applet; critest's sleep check calls it
        layer.file("usr/bin/pgrep", "#!/bin/sh\nfor pid in $(pidof \"$@\"); do echo \"$pid\"; done\n[ -n \"$(pidof \"$@\")\" ]\n"
                .getBytes(StandardCharsets.UTF_8), 0755);
        return layer.dir("etc")
                .file("etc/passwd", "root:x:0:0:root:/root:/bin/sh\nwww-data:x:33:33:www-data:/var/www:/bin/sh\n"
                        + "user-defined-in-image:x:1000:1000::/tmp:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n")
                .file("etc/group", "root:x:0:\nwww-data:x:33:\nuser-defined-in-image:x:1000:\n"
                        + "group-defined-in-image:x:50000:user-defined-in-image\nnogroup:x:65534:\n")
                .dir("var").dir("var/www")
                .file("var/www/index.html", "<html><head><title>Welcome to nginx!</title></head><body>jcri test web server</body></html>\n");
    }

    /** Compiles the set-user-ID program (a static binary: the image has no C library). */
    private static byte[] effectiveUid(Path scratch) throws IOException, InterruptedException {
        var source = scratch.resolve("effective-uid.c");
        try (InputStream in = UpstreamImages.class.getResourceAsStream("/upstream/effective-uid.c")) {
            Files.write(source, in.readAllBytes());
        }
        var binary = scratch.resolve("effective-uid");
        var gcc = new ProcessBuilder("gcc", "-static", "-O2", "-o", binary.toString(), source.toString()).redirectErrorStream(true).start();
        var output = new String(gcc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (gcc.waitFor() != 0) {
            throw new IllegalStateException("gcc -static failed (the tests need gcc and libc6-dev): " + output);
        }
        return Files.readAllBytes(binary);
    }

    private static ImageBuilder.BuiltImage image(LayerBuilder base, UnaryOperator<ImageBuilder> config) {
        return config.apply(TestImages.busyboxBuilder().layer(base, Compression.GZIP)).build();
    }

    private static void push(String reference, ImageBuilder.BuiltImage image) {
        int colon = reference.lastIndexOf(':');
        TestRegistry.push(reference.substring(0, colon), reference.substring(colon + 1), image);
    }
}
