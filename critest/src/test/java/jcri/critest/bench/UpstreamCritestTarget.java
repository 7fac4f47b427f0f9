package jcri.critest.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.UnaryOperator;
import jcri.api.v1.ImageSpec;
import jcri.api.v1.ListImagesRequest;
import jcri.api.v1.ListPodSandboxRequest;
import jcri.api.v1.RemoveImageRequest;
import jcri.critest.CriClient;
import jcri.critest.Pods;
import jcri.critest.TestRegistry;
import jcri.image.oci.MediaTypes.Compression;
import jcri.image.testing.ImageBuilder;
import jcri.image.testing.LayerBuilder;
import jcri.image.testing.TestImages;

/**
 * What the upstream {@code critest} needs to run here: a registry on 127.0.0.1 serving its test images,
 * built from busybox-static under the repository paths critest names (it rewrites {@code registry.k8s.io/...}
 * and {@code gcr.io/...} to {@code 127.0.0.1:PORT/...} when given {@code -registry-prefix 127.0.0.1:PORT}),
 * and with {@code --jcrid} the packaged jcrid on the test network. Arguments: the {@code -test-images-file}
 * YAML to write, then optionally {@code --jcrid}. Prints {@code registry 127.0.0.1:PORT}, with
 * {@code --jcrid} {@code endpoint unix://...}, then {@code ready}, and serves until SIGTERM; then removes
 * every pod and image left in its jcrid, stops it and deletes its directory and the registry's storage.
 * Used by {@code critest/bin/upstream-critest}.
 */
public final class UpstreamCritestTarget {
    /** Both namespaces critest has used for its own test images (newer releases: k8s-staging-cri-tools). */
    private static final List<String> CRI_TOOLS = List.of("k8s-staging-cri-tools", "cri-tools");
    private static final String BUSYBOX = "e2e-test-images/busybox:1.29-2";
    private static final String NGINX = "e2e-test-images/nginx:1.14-2";

    private UpstreamCritestTarget() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 1 || args.length > 2 || args.length == 2 && !args[1].equals("--jcrid")) {
            System.err.println("usage: UpstreamCritestTarget IMAGES_YAML [--jcrid]");
            System.exit(2);
        }
        var base = base();
        var host = TestRegistry.get().host();
        push(BUSYBOX, image(base, b -> b.cmd("sh")));
        push(NGINX, image(base, b -> b.entrypoint("httpd", "-f", "-p", "80", "-h", "/var/www")));
        for (var namespace : CRI_TOOLS) {
            push(namespace + "/hostnet-nginx-amd64:latest", image(base, b -> b.entrypoint("httpd", "-f", "-p", "12003", "-h", "/var/www")));
            var plain = image(base, b -> b.cmd("sh"));
            for (var reference : List.of("test-image-latest:latest", "test-image-tag:test", "test-image-tag:all",
                    "test-image-tags:1", "test-image-tags:2", "test-image-tags:3")) {
                push(namespace + "/" + reference, plain);
            }
            for (int i = 1; i <= 3; i++) {
                var n = Integer.toString(i);
                push(namespace + "/test-image-" + n + ":latest", image(base, b -> b.cmd("sh").label("jcri.critest.image", n)));
            }
            push(namespace + "/test-image-user-uid:latest", image(base, b -> b.user("1002")));
            push(namespace + "/test-image-user-username:latest", image(base, b -> b.user("www-data")));
            push(namespace + "/test-image-user-uid-group:latest", image(base, b -> b.user("1003:1003")));
            push(namespace + "/test-image-user-username-group:latest", image(base, b -> b.user("www-data:www-data")));
            push(namespace + "/test-image-predefined-group:latest", image(base, b -> b.cmd("sh")));
        }
        Files.writeString(Path.of(args[0]), """
                defaultTestContainerImage: %s/%s
                webServerTestImage: %s/%s
                """.formatted(host, BUSYBOX, host, NGINX));
        System.out.println("registry " + host);
        if (args.length == 2) {
            var dir = Files.createTempDirectory("upstream-critest-jcrid-");
            var jcrid = RuntimeUnderTest.jcrid(dir);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> stop(jcrid, dir)));
            System.out.println("endpoint " + jcrid.endpoint());
        }
        System.out.println("ready");
        Thread.currentThread().join();
    }

    /** Removes what critest left (pods, images), stops jcrid and deletes its directory. */
    private static void stop(RuntimeUnderTest jcrid, Path dir) {
        try {
            try (var cri = new CriClient(jcrid.endpoint())) {
                for (var pod : cri.runtime().listPodSandbox(ListPodSandboxRequest.getDefaultInstance()).getItemsList()) {
                    Pods.destroy(cri, pod.getId());
                }
                for (var image : cri.images().listImages(ListImagesRequest.getDefaultInstance()).getImagesList()) {
                    cri.images().removeImage(RemoveImageRequest.newBuilder().setImage(ImageSpec.newBuilder().setImage(image.getId())).build());
                }
            } finally {
                jcrid.close();
            }
            BenchPods.deleteTree(dir);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            System.err.println("cleaning up jcrid in " + dir + " failed: " + e);
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

    private static ImageBuilder.BuiltImage image(LayerBuilder base, UnaryOperator<ImageBuilder> config) {
        return config.apply(TestImages.busyboxBuilder().layer(base, Compression.GZIP)).build();
    }

    private static void push(String reference, ImageBuilder.BuiltImage image) {
        int colon = reference.lastIndexOf(':');
        TestRegistry.push(reference.substring(0, colon), reference.substring(colon + 1), image);
    }
}
