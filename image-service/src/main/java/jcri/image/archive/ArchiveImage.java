package jcri.image.archive;

import java.util.List;
import jcri.image.oci.Descriptor;

/**
 * One image found in an archive, ready to store: what it is called, its top-level blob (manifest or index), the
 * manifest for this platform with its config and layers, and every blob of it the archive holds.
 *
 * @param names the names the archive gives it, as written there (none: known by its id only)
 * @param top the descriptor of its top-level manifest or index (the digest its digest references name)
 * @param config the config blob
 * @param layers its layers for this platform, base first
 * @param blobs every blob of it in the archive, top first, each once
 */
public record ArchiveImage(List<String> names, Descriptor top, ArchiveFile config, List<Layer> layers, List<ArchiveFile> blobs) {
    public ArchiveImage {
        names = List.copyOf(names);
        layers = List.copyOf(layers);
        blobs = List.copyOf(blobs);
    }

    /** A layer: its descriptor (media type, digest, size) and its file. */
    public record Layer(Descriptor descriptor, ArchiveFile file) {
    }
}
