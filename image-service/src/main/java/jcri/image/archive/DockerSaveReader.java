package jcri.image.archive;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import jcri.api.CriException;
import jcri.image.content.Digests;
import jcri.image.oci.Descriptor;
import jcri.image.oci.Manifest;
import jcri.image.oci.MediaTypes;
import jcri.image.oci.MediaTypes.Compression;

/**
 * The images of a classic {@code docker save} archive: {@code manifest.json} lists each image's config file, its
 * {@code RepoTags} and its layer tars (uncompressed, gzip or zstd, told apart by their first bytes). Such an archive
 * has no manifest, so one is made for each image (OCI, with the layers as found) and stored with it: its digest is
 * the one the image's digest references name. A config named {@code <hex>.json} must hash to that name.
 */
final class DockerSaveReader {
    private static final ObjectMapper JSON = new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);

    /** One entry of {@code manifest.json}. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record Entry(@JsonProperty("Config") String config, @JsonProperty("RepoTags") List<String> repoTags,
                 @JsonProperty("Layers") List<String> layers) {
    }

    private final SpooledArchive archive;

    DockerSaveReader(SpooledArchive archive) {
        this.archive = archive;
    }

    List<ArchiveImage> images(ArchiveFile manifestJson) throws IOException {
        Entry[] entries;
        try {
            entries = JSON.readValue(archive.bytes(manifestJson), Entry[].class);
        } catch (IOException e) {
            throw CriException.invalid("the image archive's manifest.json is not a docker save manifest: %s", e.getMessage());
        }
        if (entries.length == 0) {
            throw CriException.invalid("the image archive's manifest.json lists no images");
        }
        var images = new ArrayList<ArchiveImage>();
        for (var entry : entries) {
            images.add(image(entry));
        }
        return images;
    }

    private ArchiveImage image(Entry entry) throws IOException {
        if (entry.config() == null || entry.layers() == null) {
            throw CriException.invalid("an entry of the image archive's manifest.json lacks Config or Layers");
        }
        var config = file(entry.config(), "config");
        var hexName = entry.config().replaceFirst("^(.*/)?([a-f0-9]{64})\\.json$", "sha256:$2");
        if (hexName.startsWith("sha256:") && !hexName.equals(config.digest())) {
            throw CriException.invalid("the image archive's config %s does not match its name: its content is %s", entry.config(),
                    config.digest());
        }
        var layers = new ArrayList<ArchiveImage.Layer>();
        for (var name : entry.layers()) {
            var file = file(name, "layer");
            layers.add(new ArchiveImage.Layer(new Descriptor(mediaType(file), file.digest(), file.size(), null, null), file));
        }
        var manifest = new Manifest(2, MediaTypes.OCI_MANIFEST,
                new Descriptor(MediaTypes.OCI_CONFIG, config.digest(), config.size(), null, null),
                layers.stream().map(ArchiveImage.Layer::descriptor).toList());
        var made = archive.add("manifest of " + entry.config(), JSON.writeValueAsBytes(manifest));
        var blobs = new LinkedHashSet<ArchiveFile>();
        blobs.add(made);
        blobs.add(config);
        layers.forEach(l -> blobs.add(l.file()));
        return new ArchiveImage(entry.repoTags() == null ? List.of() : entry.repoTags(),
                new Descriptor(MediaTypes.OCI_MANIFEST, made.digest(), made.size(), null, Map.of()), config, layers, List.copyOf(blobs));
    }

    private ArchiveFile file(String name, String what) {
        return archive.file(name).orElseThrow(() -> CriException.invalid("the image archive lacks the %s %s that manifest.json names",
                what, name));
    }

    /** The OCI layer media type for a layer file's compression. */
    static String mediaType(ArchiveFile layer) {
        return switch (compression(layer)) {
            case NONE -> "application/vnd.oci.image.layer.v1.tar";
            case GZIP -> "application/vnd.oci.image.layer.v1.tar+gzip";
            case ZSTD -> "application/vnd.oci.image.layer.v1.tar+zstd";
        };
    }

    private static Compression compression(ArchiveFile layer) {
        var head = new byte[4];
        int n;
        try (InputStream in = Files.newInputStream(layer.path())) {
            n = in.readNBytes(head, 0, 4);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (n >= 2 && (head[0] & 0xff) == 0x1f && (head[1] & 0xff) == 0x8b) {
            return Compression.GZIP;
        }
        if (n == 4 && (head[0] & 0xff) == 0x28 && (head[1] & 0xff) == 0xb5 && (head[2] & 0xff) == 0x2f && (head[3] & 0xff) == 0xfd) {
            return Compression.ZSTD;
        }
        return Compression.NONE;
    }
}
