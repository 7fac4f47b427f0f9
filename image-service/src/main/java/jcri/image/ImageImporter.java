package jcri.image;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.UUID;
import jcri.api.CriException;
import jcri.image.archive.ArchiveFile;
import jcri.image.archive.ArchiveImage;
import jcri.image.archive.ArchiveReader;
import jcri.image.archive.SpooledArchive;
import jcri.image.content.ContentStore;
import jcri.image.oci.ImageConfigFile;
import jcri.image.oci.MediaTypes;
import jcri.image.oci.Platform;
import jcri.image.ref.ImageReference;
import jcri.image.ref.InvalidReferenceException;
import jcri.image.store.ImageRecord;

/**
 * Imports of image archives: {@link #spool} reads one under {@code staging}; {@link #store} finds and checks its images
 * (every name, config and layer type before anything is stored), moves their blobs into the content store and unpacks
 * each image's layers for this platform, as a pull does. Returns the records; recording them is the caller's.
 */
final class ImageImporter {
    private static final ObjectMapper JSON = new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    /** An archive image with everything checked: its normalised names, config and chain ids. */
    private record Checked(ArchiveImage image, List<ImageReference> names, ImageConfigFile config, List<String> chainIds) {
    }

    private final ContentStore content;
    private final LayerUnpacker unpacker;
    private final Platform platform;
    private final Path staging;

    ImageImporter(ContentStore content, LayerUnpacker unpacker, Platform platform, Path staging) {
        this.content = content;
        this.unpacker = unpacker;
        this.platform = platform;
        this.staging = staging;
    }

    /** Reads the archive {@code in} to disk; the caller closes it (which deletes it). */
    SpooledArchive spool(InputStream in) throws IOException {
        return SpooledArchive.read(in, staging.resolve(UUID.randomUUID().toString()));
    }

    /** Checks every image of {@code archive}, then stores their blobs and layers; returns their records. */
    List<ImageRecord> store(SpooledArchive archive) throws IOException {
        var checked = new ArrayList<Checked>();
        for (var image : ArchiveReader.images(archive, platform)) {
            checked.add(check(image, archive));
        }
        var records = new ArrayList<ImageRecord>();
        for (var image : checked) {
            records.add(store(image));
        }
        return records;
    }

    private static Checked check(ArchiveImage image, SpooledArchive archive) {
        var names = new ArrayList<ImageReference>();
        for (var name : image.names()) {
            try {
                names.add(ImageReference.parse(name));
            } catch (InvalidReferenceException e) {
                throw CriException.invalid("the image archive names image %s '%s': %s", image.top().digest(), name, e.getMessage());
            }
        }
        ImageConfigFile config;
        try {
            config = JSON.readValue(archive.bytes(image.config()), ImageConfigFile.class);
        } catch (IOException e) {
            throw CriException.invalid("the image archive's config %s is not an image config: %s", image.config().digest(), e.getMessage());
        }
        var diffIds = config.rootfs().diffIds();
        if (diffIds.size() != image.layers().size()) {
            throw CriException.invalid("the image archive's image %s lists %d layers but its config %d diff ids", image.top().digest(),
                    image.layers().size(), diffIds.size());
        }
        List<String> chainIds;
        try {
            chainIds = LayerUnpacker.chainIds(diffIds);
            for (var layer : image.layers()) {
                MediaTypes.layerCompression(layer.descriptor().mediaType());
            }
        } catch (IllegalArgumentException e) {
            throw CriException.invalid("the image archive's image %s: %s", image.top().digest(), e.getMessage());
        }
        return new Checked(image, names, config, chainIds);
    }

    private ImageRecord store(Checked checked) throws IOException {
        var image = checked.image();
        for (ArchiveFile blob : image.blobs()) {
            content.adopt(blob.digest(), blob.path());
        }
        var diffIds = checked.config().rootfs().diffIds();
        var what = checked.names().isEmpty() ? image.config().digest() : checked.names().getFirst().toString();
        String parent = "";
        long size = 0;
        for (int i = 0; i < image.layers().size(); i++) {
            var layer = image.layers().get(i).descriptor();
            unpacker.unpack(what, layer, content.path(layer.digest()), diffIds.get(i), checked.chainIds().get(i), parent);
            parent = checked.chainIds().get(i);
            size += layer.size();
        }
        var tags = new LinkedHashSet<String>();
        var digests = new LinkedHashSet<String>();
        for (var name : checked.names()) {
            if (name.hasTag()) {
                tags.add(name.tagged());
            }
            digests.add(name.withDigest(image.top().digest()));
        }
        return new ImageRecord(image.config().digest(), List.copyOf(tags), List.copyOf(digests), size,
                image.blobs().stream().map(ArchiveFile::digest).distinct().toList(), checked.chainIds(), checked.config().spec());
    }
}
