package jcri.critest.bench;

import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import jcri.api.v1.ImageSpec;
import jcri.api.v1.ListImagesRequest;
import jcri.api.v1.ListPodSandboxRequest;
import jcri.api.v1.RemoveImageRequest;
import jcri.critest.CriClient;
import jcri.critest.Pods;
import jcri.critest.TestRegistry;

/**
 * What the upstream {@code critest} needs to run here: a registry on 127.0.0.1 serving its test images
 * ({@link UpstreamImages}) and a runtime on the test network that mirrors critest's registries to it, so
 * critest pulls every image by its upstream name ({@code -Dupstream.busybox}: the dynamically linked busybox
 * the images are made of). Argument: {@code --jcrid} (the packaged jcrid), {@code --containerd} (a private
 * containerd 1.6, {@code critest/bin/containerd-bench}) or {@code --registry} (no runtime: a runtime elsewhere
 * mirrors to the registry, as jcri in {@code critest/vm}'s guest does). Prints {@code registry 127.0.0.1:PORT},
 * {@code endpoint unix://...} (with a runtime), then {@code ready}, and serves until SIGTERM; then removes
 * every pod and image left in the runtime, stops it and deletes its directory and the registry's storage.
 * Used by {@code critest/bin/upstream-critest} and {@code critest/vm/check-node}.
 */
public final class UpstreamCritestTarget {
    private UpstreamCritestTarget() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 1 || !List.of("--jcrid", "--containerd", "--registry").contains(args[0])) {
            System.err.println("usage: UpstreamCritestTarget --jcrid|--containerd|--registry");
            System.exit(2);
        }
        // searchable by others: a user-namespace pod's root reaches its rootfs in jcrid's state directory below it
        var dir = Files.createTempDirectory("upstream-critest-runtime-", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx--x--x")));
        UpstreamImages.push(Path.of(System.getProperty("upstream.busybox", "/bin/busybox")), dir);
        var registry = TestRegistry.get().host();
        System.out.println("registry " + registry);
        if (args[0].equals("--registry")) {
            Runtime.getRuntime().addShutdownHook(new Thread(() -> BenchPods.deleteTree(dir)));
            System.out.println("ready");
            Thread.currentThread().join();
        }
        var runtime = args[0].equals("--jcrid")
                ? RuntimeUnderTest.jcrid(dir, mirrors(registry))
                : RuntimeUnderTest.containerd(dir, UpstreamImages.HOSTS);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> stop(runtime, dir)));
        System.out.println("endpoint " + runtime.endpoint());
        System.out.println("ready");
        Thread.currentThread().join();
    }

    /** jcrid's registry settings: each of critest's registries mirrored to the test registry. */
    private static String mirrors(String registry) {
        return UpstreamImages.HOSTS.stream()
                .map(host -> "[images.registries.\"%s\"]%nmirrors = [\"http://%s\"]%n".formatted(host, registry))
                .collect(Collectors.joining());
    }

    /** Removes what critest left (pods, images), stops the runtime and deletes its directory. */
    private static void stop(RuntimeUnderTest runtime, Path dir) {
        try {
            try (var cri = new CriClient(runtime.endpoint())) {
                for (var pod : cri.runtime().listPodSandbox(ListPodSandboxRequest.getDefaultInstance()).getItemsList()) {
                    Pods.destroy(cri, pod.getId());
                }
                for (var image : cri.images().listImages(ListImagesRequest.getDefaultInstance()).getImagesList()) {
                    cri.images().removeImage(RemoveImageRequest.newBuilder().setImage(ImageSpec.newBuilder().setImage(image.getId())).build());
                }
            } finally {
                runtime.close();
            }
            BenchPods.deleteTree(dir);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            System.err.println("cleaning up the runtime in " + dir + " failed: " + e);
        }
    }
}
