package jcri.image.oci;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;

/** An image manifest (OCI or Docker schema 2): the config and the layers, base first. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record Manifest(int schemaVersion, String mediaType, Descriptor config, List<Descriptor> layers) {
    public Manifest {
        layers = layers == null ? List.of() : List.copyOf(layers);
    }
}
