package jcri.daemon;

import io.grpc.StatusRuntimeException;
import java.util.concurrent.TimeUnit;
import jcri.api.v1.ImageFsInfoRequest;
import jcri.api.v1.ImageServiceGrpc;
import jcri.api.v1.ListContainerStatsRequest;
import jcri.api.v1.ListContainersRequest;
import jcri.api.v1.ListImagesRequest;
import jcri.api.v1.ListMetricDescriptorsRequest;
import jcri.api.v1.ListPodSandboxMetricsRequest;
import jcri.api.v1.ListPodSandboxRequest;
import jcri.api.v1.ListPodSandboxStatsRequest;
import jcri.api.v1.RuntimeServiceGrpc;
import jcri.api.v1.StatusRequest;
import jcri.api.v1.VersionRequest;

/**
 * Asks a running jcrid over its socket whether it answers: {@code Version} and {@code Status}, and
 * with {@code --all} every read-only list RPC too (the build's training run uses that, so the
 * ahead-of-time cache holds the classes serving them). Exits 0 when every call answered.
 * Usage: {@code Probe [--all] unix:///path/to/jcri.sock}.
 */
public final class Probe {
    private Probe() {
    }

    public static void main(String[] args) throws InterruptedException {
        boolean all = args.length == 2 && args[0].equals("--all");
        if (args.length != (all ? 2 : 1)) {
            System.err.println("usage: Probe [--all] unix:///path/to/jcri.sock");
            System.exit(2);
        }
        var endpoint = args[args.length - 1];
        var local = LocalChannel.open(endpoint);
        var channel = local.channel();
        try {
            var runtime = RuntimeServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
            var images = ImageServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
            var version = runtime.version(VersionRequest.getDefaultInstance());
            runtime.status(StatusRequest.getDefaultInstance());
            if (all) {
                runtime.listPodSandbox(ListPodSandboxRequest.getDefaultInstance());
                runtime.listContainers(ListContainersRequest.getDefaultInstance());
                runtime.listContainerStats(ListContainerStatsRequest.getDefaultInstance());
                runtime.listPodSandboxStats(ListPodSandboxStatsRequest.getDefaultInstance());
                runtime.listMetricDescriptors(ListMetricDescriptorsRequest.getDefaultInstance());
                runtime.listPodSandboxMetrics(ListPodSandboxMetricsRequest.getDefaultInstance());
                images.listImages(ListImagesRequest.getDefaultInstance());
                images.imageFsInfo(ImageFsInfoRequest.getDefaultInstance());
            }
            System.out.println(version.getRuntimeName() + " " + version.getRuntimeVersion() + " answers on " + endpoint);
        } catch (StatusRuntimeException e) {
            System.err.println("jcrid on " + endpoint + " did not answer: " + e.getStatus());
            System.exit(1);
        } finally {
            local.close();
        }
    }
}
