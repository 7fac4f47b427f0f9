package jcri.image;

import java.util.List;

/**
 * A pulled image as the runtime sees it.
 *
 * @param id the config digest ({@code sha256:…})
 * @param repoTags normalised tag references
 * @param repoDigests normalised digest references
 * @param size bytes of its layers
 * @param chainId the name of the committed snapshot of its top layer (empty for an image with no layers)
 * @param spec the runtime part of its config
 */
public record LocalImage(String id, List<String> repoTags, List<String> repoDigests, long size, String chainId, ImageSpec spec) {
    public LocalImage {
        repoTags = List.copyOf(repoTags);
        repoDigests = List.copyOf(repoDigests);
    }
}
