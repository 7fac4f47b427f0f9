package jcri.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import java.util.List;
import jcri.api.v1.Image;
import jcri.api.v1.StreamImagesResponse;
import org.junit.jupiter.api.Test;

class RpcStreamedTest {
    /** Collects what a server call sends. */
    private static final class Recorder implements StreamObserver<StreamImagesResponse> {
        final List<StreamImagesResponse> messages = new ArrayList<>();
        boolean completed;
        Throwable error;

        @Override
        public void onNext(StreamImagesResponse value) {
            messages.add(value);
        }

        @Override
        public void onError(Throwable t) {
            error = t;
        }

        @Override
        public void onCompleted() {
            completed = true;
        }
    }

    @Test
    void listsLargerThanABatchArriveWholeInSeveralMessages() {
        var images = new ArrayList<Image>();
        for (int i = 0; i < 10; i++) {
            images.add(Image.newBuilder().setId("sha256:" + i).addRepoTags("x".repeat(1 << 20)).build());
        }
        var recorder = new Recorder();
        Rpc.streamed(recorder, () -> images, batch -> StreamImagesResponse.newBuilder().addAllImages(batch).build());
        assertTrue(recorder.completed);
        assertTrue(recorder.messages.size() >= 3, recorder.messages.size() + " messages");
        assertTrue(recorder.messages.stream().allMatch(m -> m.getSerializedSize() <= Rpc.STREAM_BATCH_BYTES + 64));
        assertEquals(images, recorder.messages.stream().flatMap(m -> m.getImagesList().stream()).toList());
    }

    @Test
    void failuresEndTheStreamWithAStatus() {
        var recorder = new Recorder();
        Rpc.<Image, StreamImagesResponse>streamed(recorder, () -> {
            throw CriException.notFound("nothing %s", "here");
        }, batch -> StreamImagesResponse.newBuilder().addAllImages(batch).build());
        assertEquals(io.grpc.Status.Code.NOT_FOUND, io.grpc.Status.fromThrowable(recorder.error).getCode());
        assertTrue(recorder.messages.isEmpty());
    }
}
