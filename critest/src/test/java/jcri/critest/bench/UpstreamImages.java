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

/**
 * The images upstream critest v1.28 (and the README's crictl walkthrough) pulls, built from busybox-static and pushed to the test registry
 * under the repository paths and tags critest names, so that a runtime mirroring {@link #HOSTS} to that
 * registry pulls them by their upstream names. Each has what its specs read: a web server on the port
 * they probe, the users and groups the user specs expect, a set-user-ID program for NoNewPrivs, the
 * log line the multi-container spec waits for. Only {@code test-image-digest@sha256:…} is missing: no
 * generated image can have upstream's digest.
 */
final class UpstreamImages {
    /** The registries critest's images come from; a runtime mirrors each to the test registry. */
    static final List<String> HOSTS = List.of("registry.k8s.io", "gcr.io", "public.ecr.aws", "docker.io");
    private static final String E2E = "e2e-test-images/";
    private static final String CRI_TOOLS = "k8s-staging-cri-tools/";
    /** critest's image benchmarks list these (public.ecr.aws, Docker's library). */
    private static final List<String> BENCHMARK_TAGS = List.of("1.35.0-glibc", "1-uclibc", "1", "1-glibc", "1-musl");
    /** Tells apart images that are otherwise the same, as upstream's are different images. */
    private static final String LABEL = "jcri.critest.reference";

    private UpstreamImages() {
    }

    /**
     * Builds every image and pushes it: {@code busybox} is a dynamically linked busybox (Debian's
     * {@code busybox} package, unpacked); {@code scratch} holds the programs compiled for them.
     */
    static void push(Path busybox, Path scratch) throws IOException, InterruptedException {
        var base = base(busybox);
        push(E2E + "busybox:1.29-2", base, b -> b.cmd("sh"));
        var nginx = new LayerBuilder().dir("usr").dir("usr/sbin").file("usr/sbin/nginx", compile(scratch, "nginx"), 0755);
        push(E2E + "nginx:1.14-2", base, b -> b.layer(nginx, Compression.GZIP).cmd("nginx", "-g", "daemon off;"));
        // Apache logs its command line at start; critest's multi-container spec waits for that line
        push(E2E + "httpd:2.4.39-4", base, b -> b.cmd("sh", "-c",
                "echo \"AH00094: Command line: 'httpd -D FOREGROUND'\" >&2; exec httpd -f -p 80 -h /var/www"));
        var setuid = new LayerBuilder().dir("usr").dir("usr/local").dir("usr/local/bin")
                .file("usr/local/bin/effective-uid", compile(scratch, "effective-uid"), 04755);
        push(E2E + "nonewprivs:1.3", base, b -> b.layer(setuid, Compression.GZIP).cmd("/usr/local/bin/effective-uid"));
        push(CRI_TOOLS + "hostnet-nginx-amd64:latest", base, b -> b.cmd("httpd", "-f", "-p", "12003", "-h", "/var/www"));
        for (var reference : List.of("test-image-latest:latest", "test-image-tag:test", "test-image-tag:all",
                "test-image-predefined-group:latest", "test-image-1:latest", "test-image-2:latest", "test-image-3:latest")) {
            push(CRI_TOOLS + reference, base, b -> b.cmd("sh"));
        }
        var tags = image(base, b -> b.cmd("sh").label(LABEL, CRI_TOOLS + "test-image-tags"));
        for (var tag : List.of("1", "2", "3")) { // one image under three tags
            TestRegistry.push(CRI_TOOLS + "test-image-tags", tag, tags);
        }
        push(CRI_TOOLS + "test-image-user-uid:latest", base, b -> b.cmd("sh").user("1002"));
        push(CRI_TOOLS + "test-image-user-username:latest", base, b -> b.cmd("sh").user("www-data"));
        push(CRI_TOOLS + "test-image-user-uid-group:latest", base, b -> b.cmd("sh").user("1003:1003"));
        push(CRI_TOOLS + "test-image-user-username-group:latest", base, b -> b.cmd("sh").user("www-data:www-data"));
        push("library/busybox:1.36", base, b -> b.cmd("sh")); // the README's walkthrough (docker.io)
        for (var tag : BENCHMARK_TAGS) {
            push("docker/library/busybox:" + tag, base, b -> b.cmd("sh"));
        }
    }

    /**
     * The one layer every image starts from, laid out as upstream's busybox: {@code busybox} (a dynamically
     * linked one, with the C library it needs) as /bin/busybox and every applet a hard link to it, a pgrep
     * and an ipcs (Debian's busybox has neither), www-data (33), a user 1000 whose supplementary group 50000
     * exists only in the image's /etc/group, and a page for the web servers. Its shell must run commands
     * from PATH, as upstream's does, for critest's MaskedPaths spec (a masked /bin/ls must fail, and mask
     * nothing else): Debian's static busybox runs its applets in-process, its dynamic one does not.
     */
    private static LayerBuilder base(Path busybox) throws IOException, InterruptedException {
        var applets = output("busybox --list", busybox.toString(), "--list").lines().toList();
        var layer = new LayerBuilder().dir("bin").file("bin/busybox", Files.readAllBytes(busybox), 0755);
        for (var applet : applets) {
            if (!applet.equals("busybox")) {
                layer.hardlink("bin/" + applet, "bin/busybox");
            }
        }
        var libraries = sharedLibraries(busybox);
        var dirs = new java.util.TreeSet<String>();
        for (var library : libraries) {
            for (var parent = library.getParent(); parent.getParent() != null; parent = parent.getParent()) {
                dirs.add(parent.toString().substring(1));
            }
        }
        dirs.forEach(layer::dir);
        for (var library : libraries) {
            layer.file(library.toString().substring(1), Files.readAllBytes(library.toRealPath()), 0755);
        }
        return layer
                .file("bin/pgrep", "#!/bin/sh\nfor pid in $(pidof \"$@\"); do echo \"$pid\"; done\n[ -n \"$(pidof \"$@\")\" ]\n"
                        .getBytes(StandardCharsets.UTF_8), 0755)
                // the System V shared memory segments this IPC namespace holds, as `ipcs -m` lists them
                .file("bin/ipcs", "#!/bin/sh\necho '------ Shared Memory Segments --------'\ncat /proc/sysvipc/shm\n"
                        .getBytes(StandardCharsets.UTF_8), 0755)
                .dir("etc")
                .file("etc/passwd", "root:x:0:0:root:/root:/bin/sh\nwww-data:x:33:33:www-data:/var/www:/bin/sh\n"
                        + "user-defined-in-image:x:1000:1000::/tmp:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n")
                .file("etc/group", "root:x:0:\nwww-data:x:33:\nuser-defined-in-image:x:1000:\n"
                        + "group-defined-in-image:x:50000:user-defined-in-image\nnogroup:x:65534:\n")
                .dir("tmp", 01777).dir("root", 0700).dir("var").dir("var/run").dir("var/www")
                .file("var/www/index.html", "<html><head><title>Welcome to nginx!</title></head><body>jcri test web server</body></html>\n");
    }

    /** The shared libraries {@code binary} loads (with the loader), as {@code ldd} lists them. */
    private static List<Path> sharedLibraries(Path binary) throws IOException, InterruptedException {
        var libraries = new java.util.ArrayList<Path>();
        for (var line : output("ldd", "ldd", binary.toString()).lines().toList()) {
            var matcher = java.util.regex.Pattern.compile("(/\\S+) \\(0x").matcher(line);
            if (matcher.find()) {
                libraries.add(Path.of(matcher.group(1)));
            }
        }
        return libraries;
    }

    private static String output(String what, String... command) throws IOException, InterruptedException {
        var process = new ProcessBuilder(command).redirectErrorStream(true).start();
        var output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (process.waitFor() != 0 || output.isBlank()) {
            throw new IllegalStateException(what + " failed: " + output);
        }
        return output;
    }

    /** Compiles {@code name}.c from the test resources into a static binary (the images have no C library). */
    private static byte[] compile(Path scratch, String name) throws IOException, InterruptedException {
        var source = scratch.resolve(name + ".c");
        try (InputStream in = UpstreamImages.class.getResourceAsStream("/upstream/" + name + ".c")) {
            Files.write(source, in.readAllBytes());
        }
        var binary = scratch.resolve(name);
        var gcc = new ProcessBuilder("gcc", "-static", "-O2", "-o", binary.toString(), source.toString()).redirectErrorStream(true).start();
        var output = new String(gcc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (gcc.waitFor() != 0) {
            throw new IllegalStateException("gcc -static failed for " + name + ".c (the tests need gcc and libc6-dev): " + output);
        }
        return Files.readAllBytes(binary);
    }

    /** An image of {@code base} plus {@code config}, labelled with {@code reference}: each reference its own image. */
    private static void push(String reference, LayerBuilder base, UnaryOperator<ImageBuilder> config) {
        int colon = reference.lastIndexOf(':');
        TestRegistry.push(reference.substring(0, colon), reference.substring(colon + 1),
                image(base, b -> config.apply(b).label(LABEL, reference)));
    }

    private static ImageBuilder.BuiltImage image(LayerBuilder base, UnaryOperator<ImageBuilder> config) {
        return config.apply(ImageBuilder.oci().layer(base, Compression.GZIP)).build();
    }
}
