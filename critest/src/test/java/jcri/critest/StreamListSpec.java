package jcri.critest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.ArrayList;
import java.util.HashSet;
import jcri.api.v1.ContainerFilter;
import jcri.api.v1.ContainerStatsFilter;
import jcri.api.v1.ListContainersRequest;
import jcri.api.v1.ListImagesRequest;
import jcri.api.v1.ListPodSandboxRequest;
import jcri.api.v1.PodSandboxFilter;
import jcri.api.v1.PodSandboxStatsFilter;
import jcri.api.v1.StreamContainerStatsRequest;
import jcri.api.v1.StreamContainersRequest;
import jcri.api.v1.StreamImagesRequest;
import jcri.api.v1.StreamPodSandboxStatsRequest;
import jcri.api.v1.StreamPodSandboxesRequest;
import org.junit.jupiter.api.Test;

/** The Stream* list RPCs of CRI 1.36 return what the matching List* calls return. */
class StreamListSpec {
    private final CriClient cri = Target.client();

    @Test
    void streamsMatchTheirLists() {
        var pod = Pods.config("streams").build();
        var podId = Pods.run(cri, pod);
        try {
            var id = Pods.start(cri, podId, pod, Pods.shell(cri, "c", "exec sleep 1000").build());
            var pods = new ArrayList<String>();
            Target.assumeImplemented(() -> cri.runtime().streamPodSandboxes(StreamPodSandboxesRequest.newBuilder()
                            .setFilter(PodSandboxFilter.newBuilder().setId(podId)).build()).next())
                    .getPodSandboxesList().forEach(p -> pods.add(p.getId()));
            assertEquals(cri.runtime().listPodSandbox(ListPodSandboxRequest.newBuilder().setFilter(PodSandboxFilter.newBuilder()
                    .setId(podId)).build()).getItemsList().stream().map(p -> p.getId()).toList(), pods);
            var containers = new ArrayList<String>();
            cri.runtime().streamContainers(StreamContainersRequest.newBuilder()
                            .setFilter(ContainerFilter.newBuilder().setPodSandboxId(podId)).build())
                    .forEachRemaining(r -> r.getContainersList().forEach(c -> containers.add(c.getId())));
            assertEquals(java.util.List.of(id), containers);
            assertEquals(cri.runtime().listContainers(ListContainersRequest.newBuilder().setFilter(ContainerFilter.newBuilder()
                    .setPodSandboxId(podId)).build()).getContainersCount(), containers.size());
            var stats = new ArrayList<String>();
            cri.runtime().streamContainerStats(StreamContainerStatsRequest.newBuilder()
                            .setFilter(ContainerStatsFilter.newBuilder().setId(id)).build())
                    .forEachRemaining(r -> r.getContainerStatsList().forEach(s -> stats.add(s.getAttributes().getId())));
            assertEquals(java.util.List.of(id), stats);
            var podStats = new ArrayList<String>();
            cri.runtime().streamPodSandboxStats(StreamPodSandboxStatsRequest.newBuilder()
                            .setFilter(PodSandboxStatsFilter.newBuilder().setId(podId)).build())
                    .forEachRemaining(r -> r.getPodSandboxStatsList().forEach(s -> podStats.add(s.getAttributes().getId())));
            assertEquals(java.util.List.of(podId), podStats);
            var images = new HashSet<String>();
            cri.images().streamImages(StreamImagesRequest.getDefaultInstance())
                    .forEachRemaining(r -> r.getImagesList().forEach(i -> images.add(i.getId())));
            assertFalse(images.isEmpty());
            assertEquals(new HashSet<>(cri.images().listImages(ListImagesRequest.getDefaultInstance()).getImagesList().stream()
                    .map(i -> i.getId()).toList()), images);
        } finally {
            Pods.destroy(cri, podId);
        }
    }
}
