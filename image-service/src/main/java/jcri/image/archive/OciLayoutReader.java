package jcri.image.archive;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import jcri.api.CriException;
import jcri.image.oci.Descriptor;
import jcri.image.oci.ImageIndex;
import jcri.image.oci.Manifest;
import jcri.image.oci.MediaTypes;
import jcri.image.oci.Platform;
import jcri.image.registry.PlatformMatcher;

/**
 * The images of an OCI image layout ({@code oci-layout}, {@code index.json}, {@code blobs/sha256/}), which is also
 * what {@code docker save} writes since Docker 25: one image per distinct entry of {@code index.json}, named by
 * its {@code io.containerd.image.name} annotation, else by {@code org.opencontainers.image.ref.name} when that is
 * a whole reference rather than a bare tag. An entry that is an index contributes the manifest for
 * {@code platform}, and keeps the other platforms' blobs the archive holds.
 */
final class OciLayoutReader {
    static final String CONTAINERD_NAME = "io.containerd.image.name";
    static final String REF_NAME = "org.opencontainers.image.ref.name";
    private static final ObjectMapper JSON = new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private final SpooledArchive archive;
    private final Platform platform;

    OciLayoutReader(SpooledArchive archive, Platform platform) {
        this.archive = archive;
        this.platform = platform;
    }

    List<ArchiveImage> images(ArchiveFile indexJson) {
        var index = parse(indexJson, ImageIndex.class, "index.json");
        var names = new LinkedHashMap<String, List<String>>();
        var entries = new LinkedHashMap<String, Descriptor>();
        for (var entry : index.manifests()) {
            entries.putIfAbsent(entry.digest(), entry);
            var name = name(entry.annotations());
            var list = names.computeIfAbsent(entry.digest(), d -> new ArrayList<>());
            if (!name.isEmpty() && !list.contains(name)) {
                list.add(name);
            }
        }
        if (entries.isEmpty()) {
            throw CriException.invalid("the image archive's index.json lists no images");
        }
        var images = new ArrayList<ArchiveImage>();
        entries.forEach((digest, entry) -> images.add(image(names.get(digest), entry)));
        return images;
    }

    /** The image name an index entry's annotations give, or "". */
    static String name(Map<String, String> annotations) {
        if (annotations == null) {
            return "";
        }
        var containerd = annotations.getOrDefault(CONTAINERD_NAME, "");
        if (!containerd.isEmpty()) {
            return containerd;
        }
        var ref = annotations.getOrDefault(REF_NAME, "");
        // a bare tag ("latest", "1.36") names no repository
        return ref.contains("/") || ref.contains(":") || ref.contains("@") ? ref : "";
    }

    private ArchiveImage image(List<String> names, Descriptor entry) {
        var top = archive.blob(entry, "image " + entry.digest());
        var blobs = new LinkedHashSet<ArchiveFile>();
        blobs.add(top);
        Descriptor manifestDescriptor = entry;
        ArchiveFile manifestFile = top;
        if (isIndex(entry, top)) {
            var index = parse(top, ImageIndex.class, "index " + entry.digest());
            manifestDescriptor = select(entry, index);
            manifestFile = archive.blob(manifestDescriptor, "manifest");
            blobs.add(manifestFile);
            for (var other : index.manifests()) {
                if (!other.equals(manifestDescriptor) && archive.hasBlob(other.digest())) {
                    blobs.addAll(manifestBlobs(other, archive.blob(other, "manifest")));
                }
            }
        }
        var manifest = parse(manifestFile, Manifest.class, "manifest " + manifestDescriptor.digest());
        if (manifest.config() == null) {
            throw CriException.invalid("the image archive's manifest %s has no config", manifestDescriptor.digest());
        }
        var config = archive.blob(manifest.config(), "config");
        blobs.add(config);
        var layers = new ArrayList<ArchiveImage.Layer>();
        for (var layer : manifest.layers()) {
            var file = archive.blob(layer, "layer");
            layers.add(new ArchiveImage.Layer(layer, file));
            blobs.add(file);
        }
        return new ArchiveImage(names, entry, config, layers, List.copyOf(blobs));
    }

    /** The manifest for this platform among those of {@code index} the archive holds. */
    private Descriptor select(Descriptor entry, ImageIndex index) {
        try {
            return PlatformMatcher.select(platform, index.manifests().stream().filter(m -> archive.hasBlob(m.digest())).toList());
        } catch (CriException e) {
            throw CriException.invalid("the image archive's index %s: %s", entry.digest(), e.getMessage());
        }
    }

    /** Another platform's manifest, config and layers, those of them the archive holds. */
    private List<ArchiveFile> manifestBlobs(Descriptor descriptor, ArchiveFile file) {
        var out = new ArrayList<ArchiveFile>();
        out.add(file);
        var manifest = parse(file, Manifest.class, "manifest " + descriptor.digest());
        var parts = new ArrayList<Descriptor>(manifest.layers());
        if (manifest.config() != null) {
            parts.add(manifest.config());
        }
        for (var part : parts) {
            if (archive.hasBlob(part.digest())) {
                out.add(archive.blob(part, "blob"));
            }
        }
        return out;
    }

    private boolean isIndex(Descriptor entry, ArchiveFile file) {
        if (entry.mediaType() != null) {
            if (MediaTypes.isIndex(entry.mediaType())) {
                return true;
            }
            if (MediaTypes.isManifest(entry.mediaType())) {
                return false;
            }
        }
        return parse(file, Map.class, entry.digest()).containsKey("manifests");
    }

    private <T> T parse(ArchiveFile file, Class<T> type, String what) {
        try {
            return JSON.readValue(archive.bytes(file), type);
        } catch (IOException e) {
            throw CriException.invalid("the image archive's %s is not valid JSON: %s", what, e.getMessage());
        }
    }
}
