package jcri.image;

import java.util.Optional;

/** How the runtime finds a local image for a container. */
public interface ImageLookup {
    /**
     * Finds an image by id ({@code sha256:…} or its hex), an unambiguous id prefix, a tag or a
     * digest reference ({@code busybox}, {@code registry:5000/a/b:t}, {@code repo@sha256:…}).
     */
    Optional<LocalImage> find(String reference);
}
