package jcri.runtime.oci;

import java.nio.file.Path;

/** A pod's own user namespace: its pinned file, which containers join and ID-mapped mounts use, and its mappings. */
public record PodUserNamespace(Path file, IdMappings mappings) {
}
