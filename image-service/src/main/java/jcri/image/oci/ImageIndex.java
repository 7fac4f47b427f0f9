package jcri.image.oci;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;

/** An OCI image index or Docker manifest list: one manifest per platform. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ImageIndex(int schemaVersion, String mediaType, List<Descriptor> manifests) {
    public ImageIndex {
        manifests = manifests == null ? List.of() : List.copyOf(manifests);
    }
}
