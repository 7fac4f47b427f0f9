package jcri.critest.bench;

import java.nio.file.Files;

/**
 * A private containerd for the black-box suite ({@link RuntimeUnderTest#containerd}: test registry with the pause
 * image, test CNI network {@code -Dcritest.net}, {@code critest/bin/containerd-bench}). Prints
 * {@code endpoint unix://...} and {@code ready}, then serves until SIGTERM, when it stops containerd (which
 * removes what the suite left in it) and deletes its directory. Used by {@code critest/bin/critest-containerd}.
 */
public final class ContainerdTarget {
    private ContainerdTarget() {
    }

    public static void main(String[] args) throws Exception {
        var dir = Files.createTempDirectory("critest-containerd-");
        var containerd = RuntimeUnderTest.containerd(dir);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                containerd.close();
                BenchPods.deleteTree(dir);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                System.err.println("cleaning up containerd in " + dir + " failed: " + e);
            }
        }));
        System.out.println("endpoint " + containerd.endpoint());
        System.out.println("ready");
        Thread.currentThread().join();
    }
}
