package jcri.critest.bench;

import java.nio.file.Files;
import java.util.ArrayList;
import jcri.api.v1.ImageSpec;
import jcri.api.v1.PullImageRequest;
import jcri.api.v1.RemoveImageRequest;
import jcri.critest.CriClient;
import jcri.critest.JcridProcess;
import jcri.critest.TestRegistry;
import jcri.image.oci.MediaTypes.Compression;
import jcri.image.testing.ImageBuilder;
import jcri.image.testing.LayerBuilder;

/**
 * Pull + unpack throughput of a generated multi-layer image (incompressible content) from a
 * registry on loopback into a packaged jcrid. Arguments: layers (10), MiB per layer (20), runs (5).
 * Prints each run and the median in MB/s of compressed bytes.
 */
public final class PullBenchmark {
    private PullBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int layers = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        int mib = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        int runs = args.length > 2 ? Integer.parseInt(args[2]) : 5;
        var builder = ImageBuilder.oci();
        for (int i = 0; i < layers; i++) {
            builder.layer(new LayerBuilder().dir("l" + i).randomFile("l" + i + "/data", (long) mib << 20, i)
                    .file("l" + i + "/small", "layer " + i), Compression.GZIP);
        }
        var image = builder.build();
        long bytes = image.layers().stream().mapToLong(l -> l.blob().size()).sum();
        var reference = TestRegistry.push("bench/pull", "v1", image);
        var dir = Files.createTempDirectory("jcri-pull-bench-");
        var rates = new ArrayList<Double>();
        try (var jcrid = JcridProcess.start(dir, ""); var cri = new CriClient(jcrid.endpoint())) {
            var spec = ImageSpec.newBuilder().setImage(reference).build();
            for (int run = 0; run <= runs; run++) {
                long start = System.nanoTime();
                cri.images().pullImage(PullImageRequest.newBuilder().setImage(spec).build());
                double seconds = (System.nanoTime() - start) / 1e9;
                cri.images().removeImage(RemoveImageRequest.newBuilder().setImage(spec).build());
                double rate = bytes / 1e6 / seconds;
                System.out.printf("run %d%s: %.2f s, %.1f MB/s%n", run, run == 0 ? " (warm-up)" : "", seconds, rate);
                if (run > 0) {
                    rates.add(rate);
                }
            }
        }
        rates.sort(Double::compare);
        System.out.printf("pull+unpack of %d layers, %.1f MB compressed: median %.1f MB/s over %d runs%n",
                layers, bytes / 1e6, rates.get(rates.size() / 2), runs);
        System.exit(0);
    }
}
