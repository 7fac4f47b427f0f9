package jcri.image;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import jcri.image.archive.ArchiveWriter;
import jcri.image.content.ContentStore;
import jcri.image.oci.Descriptor;
import jcri.image.oci.Manifest;
import jcri.image.oci.MediaTypes;
import jcri.image.store.ImageRecord;

/**
 * Writes stored images as an archive ({@link ArchiveWriter}): each with its tags, its top-level manifest or index and
 * the blobs of it the content store holds (a pulled index's other platforms were never downloaded).
 */
final class ImageExporter {
    private static final ObjectMapper JSON = new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private final ContentStore content;

    ImageExporter(ContentStore content) {
        this.content = content;
    }

    void export(List<ImageRecord> images, OutputStream out) throws IOException {
        var exported = new ArrayList<ArchiveWriter.Image>();
        for (var image : images) {
            exported.add(exported(image));
        }
        ArchiveWriter.write(exported, content::path, out);
    }

    /** An image record's blobs are its top-level blob, then (below an index) its platform's manifest, then the rest. */
    private ArchiveWriter.Image exported(ImageRecord image) throws IOException {
        var topDigest = image.blobs().getFirst();
        var top = (ObjectNode) JSON.readTree(content.read(topDigest));
        boolean index = top.has("manifests");
        var mediaType = top.path("mediaType").asText(index ? MediaTypes.OCI_INDEX : MediaTypes.OCI_MANIFEST);
        var manifestDigest = index ? image.blobs().get(1) : topDigest;
        var manifest = JSON.readValue(content.read(manifestDigest), Manifest.class);
        return new ArchiveWriter.Image(image.repoTags(), new Descriptor(mediaType, topDigest, content.size(topDigest), null, null),
                image.id(), manifest.layers().stream().map(Descriptor::digest).toList(),
                image.blobs().stream().filter(content::has).toList());
    }
}
