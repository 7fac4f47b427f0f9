package jcri.image.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A test blob: its media type, {@code sha256:<hex>} digest and size, with the content kept in
 * {@code file} (a temp file) so large layers never sit in the heap.
 */
public record Blob(String mediaType, String digest, long size, Path file) {
    /** The whole content; for small blobs (manifests, configs). */
    public byte[] bytes() {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
