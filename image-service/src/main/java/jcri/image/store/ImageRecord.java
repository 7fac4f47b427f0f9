package jcri.image.store;

import java.util.List;
import jcri.image.ImageSpec;
import jcri.image.LocalImage;

/**
 * An image as persisted: its references, the blobs it needs and the snapshot chain of its layers.
 *
 * @param id config digest
 * @param repoTags normalised {@code name:tag} references
 * @param repoDigests normalised {@code name@sha256:…} references
 * @param size compressed bytes of its layers (what the kubelet's image GC counts)
 * @param blobs every blob digest this image needs: top-level manifest/index, platform manifest, config, layers
 * @param chainIds chain ids of its layers, base first; the last names its top snapshot
 * @param spec the runtime part of its config
 */
public record ImageRecord(String id, List<String> repoTags, List<String> repoDigests, long size, List<String> blobs,
                          List<String> chainIds, ImageSpec spec) {
    public ImageRecord {
        repoTags = List.copyOf(repoTags);
        repoDigests = List.copyOf(repoDigests);
        blobs = List.copyOf(blobs);
        chainIds = List.copyOf(chainIds);
    }

    public LocalImage toLocal() {
        return new LocalImage(id, repoTags, repoDigests, size, chainIds.isEmpty() ? "" : chainIds.getLast(), spec);
    }

    ImageRecord withReferences(List<String> tags, List<String> digests) {
        return new ImageRecord(id, tags, digests, size, blobs, chainIds, spec);
    }
}
