package jcri.image.cri;

import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import jcri.api.Rpc;
import jcri.api.images.v1.ExportRequest;
import jcri.api.images.v1.ExportResponse;
import jcri.api.images.v1.ImagesGrpc;
import jcri.api.images.v1.ImportRequest;
import jcri.api.images.v1.ImportResponse;
import jcri.api.images.v1.ImportedImage;
import jcri.image.ImageManager;

/**
 * jcri's own {@code jcri.images.v1.Images} service (not part of the CRI): image archives into and out of the image
 * store, for {@code jcrid images import} and {@code export}. The archive streams through in chunks both ways.
 */
public final class ImageArchiveHandler implements ImagesGrpc.AsyncService {
    private final ImageManager images;

    public ImageArchiveHandler(ImageManager images) {
        this.images = images;
    }

    @Override
    public StreamObserver<ImportRequest> import_(StreamObserver<ImportResponse> observer) {
        var pipe = new ChunkPipe();
        Thread.ofVirtual().name("image import").start(() -> Rpc.unary(observer, () -> {
            try (pipe) {
                var response = ImportResponse.newBuilder();
                for (var image : images.importArchive(pipe)) {
                    response.addImages(ImportedImage.newBuilder().setId(image.id()).addAllRepoTags(image.repoTags())
                            .addAllRepoDigests(image.repoDigests()));
                }
                return response.build();
            }
        }));
        return new StreamObserver<>() {
            @Override
            public void onNext(ImportRequest request) {
                uninterruptibly(() -> pipe.put(request.getChunk()));
            }

            @Override
            public void onError(Throwable t) {
                uninterruptibly(pipe::fail);
            }

            @Override
            public void onCompleted() {
                uninterruptibly(pipe::end);
            }
        };
    }

    private interface Blocking {
        void run() throws InterruptedException;
    }

    private static void uninterruptibly(Blocking step) {
        try {
            step.run();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Writes on a thread of its own: the call's readiness callbacks, which {@link ChunkSender} waits for, come on the
     * thread that runs this method once it has returned.
     */
    @Override
    public void export(ExportRequest request, StreamObserver<ExportResponse> observer) {
        var call = (ServerCallStreamObserver<ExportResponse>) observer;
        var out = new ChunkSender<>(call, chunk -> ExportResponse.newBuilder().setChunk(chunk).build());
        Thread.ofVirtual().name("image export").start(() -> {
            try {
                images.exportArchive(request.getImagesList(), out);
                out.flush();
            } catch (Throwable t) {
                observer.onError(Rpc.toStatus(t).asRuntimeException());
                return;
            }
            observer.onCompleted();
        });
    }
}
