package jcri.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import jcri.api.testing.Recorder;
import jcri.api.v1.Image;
import jcri.api.v1.StreamImagesResponse;
import org.junit.jupiter.api.Test;

class RpcStreamedTest {
    @Test
    void listsLargerThanABatchArriveWholeInSeveralMessages() {
        var images = new ArrayList<Image>();
        for (int i = 0; i < 10; i++) {
            images.add(Image.newBuilder().setId("sha256:" + i).addRepoTags("x".repeat(1 << 20)).build());
        }
        var recorder = new Recorder<StreamImagesResponse>();
        Rpc.streamed(recorder, () -> images, batch -> StreamImagesResponse.newBuilder().addAllImages(batch).build());
        assertTrue(recorder.completed());
        assertTrue(recorder.values().size() >= 3, recorder.values().size() + " messages");
        assertTrue(recorder.values().stream().allMatch(m -> m.getSerializedSize() <= Rpc.STREAM_BATCH_BYTES + 64));
        assertEquals(images, recorder.values().stream().flatMap(m -> m.getImagesList().stream()).toList());
    }

    @Test
    void failuresEndTheStreamWithAStatus() {
        var recorder = new Recorder<StreamImagesResponse>();
        Rpc.<Image, StreamImagesResponse>streamed(recorder, () -> {
            throw CriException.notFound("nothing %s", "here");
        }, batch -> StreamImagesResponse.newBuilder().addAllImages(batch).build());
        assertEquals(io.grpc.Status.Code.NOT_FOUND, recorder.failure().getCode());
        assertTrue(recorder.values().isEmpty());
    }
}
