package jcri.image.cri;

import io.grpc.Context;
import io.grpc.stub.StreamObserver;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import jcri.api.CriException;
import jcri.api.Rpc;
import jcri.api.v1.FilesystemIdentifier;
import jcri.api.v1.FilesystemUsage;
import jcri.api.v1.Image;
import jcri.api.v1.ImageFilter;
import jcri.api.v1.ImageFsInfoRequest;
import jcri.api.v1.ImageFsInfoResponse;
import jcri.api.v1.ImageServiceGrpc;
import jcri.api.v1.ImageSpec;
import jcri.api.v1.ImageStatusRequest;
import jcri.api.v1.ImageStatusResponse;
import jcri.api.v1.Int64Value;
import jcri.api.v1.ListImagesRequest;
import jcri.api.v1.ListImagesResponse;
import jcri.api.v1.PullImageRequest;
import jcri.api.v1.PullImageResponse;
import jcri.api.v1.RemoveImageRequest;
import jcri.api.v1.RemoveImageResponse;
import jcri.api.v1.StreamImagesRequest;
import jcri.api.v1.StreamImagesResponse;
import jcri.api.v1.UInt64Value;
import jcri.image.ImageManager;
import jcri.image.LocalImage;
import jcri.image.registry.Credentials;

/** CRI handlers for PullImage, ListImages, ImageStatus, RemoveImage and ImageFsInfo. */
public final class ImageServiceHandler implements ImageServiceGrpc.AsyncService {
    private final ImageManager images;
    private final Path imageRoot;

    public ImageServiceHandler(ImageManager images, Path imageRoot) {
        this.images = images;
        this.imageRoot = imageRoot;
    }

    @Override
    public void pullImage(PullImageRequest request, StreamObserver<PullImageResponse> observer) {
        Rpc.unary(observer, () -> {
            var reference = requireImage(request.getImage());
            var auth = request.getAuth();
            var credentials = Credentials.of(auth.getUsername(), auth.getPassword(), auth.getAuth(),
                    auth.getIdentityToken(), auth.getRegistryToken());
            var caller = Thread.currentThread();
            Context.CancellationListener cancel = context -> caller.interrupt();
            Context.current().addListener(cancel, Runnable::run);
            try {
                var image = images.pull(reference, credentials);
                return PullImageResponse.newBuilder().setImageRef(image.id()).build();
            } finally {
                Context.current().removeListener(cancel);
                Thread.interrupted(); // a cancellation that raced with completion must not leak to the next call
            }
        });
    }

    @Override
    public void listImages(ListImagesRequest request, StreamObserver<ListImagesResponse> observer) {
        Rpc.unary(observer, () -> ListImagesResponse.newBuilder().addAllImages(list(request.getFilter())).build());
    }

    @Override
    public void streamImages(StreamImagesRequest request, StreamObserver<StreamImagesResponse> observer) {
        Rpc.streamed(observer, () -> list(request.getFilter()), batch -> StreamImagesResponse.newBuilder().addAllImages(batch).build());
    }

    private List<Image> list(ImageFilter filter) {
        var reference = filter.hasImage() ? filter.getImage().getImage() : "";
        var found = reference.isEmpty() ? images.list() : images.find(reference).stream().toList();
        return found.stream().map(this::toCri).toList();
    }

    @Override
    public void imageStatus(ImageStatusRequest request, StreamObserver<ImageStatusResponse> observer) {
        Rpc.unary(observer, () -> {
            var reference = requireImage(request.getImage());
            var response = ImageStatusResponse.newBuilder();
            images.find(reference).ifPresent(image -> {
                response.setImage(toCri(image));
                if (request.getVerbose()) {
                    response.putInfo("info", "{\"chainID\":\"" + image.chainId() + "\",\"imageSpec\":" + images.configJson(image) + "}");
                }
            });
            return response.build();
        });
    }

    @Override
    public void removeImage(RemoveImageRequest request, StreamObserver<RemoveImageResponse> observer) {
        Rpc.unary(observer, () -> {
            images.remove(requireImage(request.getImage()));
            return RemoveImageResponse.getDefaultInstance();
        });
    }

    @Override
    public void imageFsInfo(ImageFsInfoRequest request, StreamObserver<ImageFsInfoResponse> observer) {
        Rpc.unary(observer, () -> {
            var usage = images.usage();
            var now = Instant.now();
            var fs = FilesystemUsage.newBuilder()
                    .setTimestamp(now.getEpochSecond() * 1_000_000_000L + now.getNano())
                    .setFsId(FilesystemIdentifier.newBuilder().setMountpoint(imageRoot.toString()))
                    .setUsedBytes(UInt64Value.newBuilder().setValue(usage.bytes()))
                    .setInodesUsed(UInt64Value.newBuilder().setValue(usage.inodes()))
                    .build();
            return ImageFsInfoResponse.newBuilder().addImageFilesystems(fs).build();
        });
    }

    private static String requireImage(ImageSpec spec) {
        if (spec.getImage().isEmpty()) {
            throw CriException.invalid("image is required (ImageSpec.image is empty)");
        }
        return spec.getImage();
    }

    private Image toCri(LocalImage image) {
        var builder = Image.newBuilder()
                .setId(image.id())
                .addAllRepoTags(image.repoTags())
                .addAllRepoDigests(image.repoDigests())
                .setSize(image.size())
                .setPinned(images.pinned(image))
                .setSpec(ImageSpec.newBuilder().setImage(image.id()));
        var user = image.spec().user();
        var name = user.contains(":") ? user.substring(0, user.indexOf(':')) : user;
        if (!name.isEmpty()) {
            // a number too large for an id is a name, as containerd takes it; it must not fail the whole list
            var uid = uid(name);
            if (uid >= 0) {
                builder.setUid(Int64Value.newBuilder().setValue(uid));
            } else {
                builder.setUsername(name);
            }
        }
        return builder.build();
    }

    /** The user as a numeric id, or -1 if it is a name (or a number no id can be). */
    private static long uid(String user) {
        if (!user.matches("\\d+")) {
            return -1;
        }
        try {
            return Long.parseLong(user);
        } catch (NumberFormatException tooLarge) {
            return -1;
        }
    }
}
