package jcri.image.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import jcri.image.content.Digests;
import jcri.image.oci.MediaTypes;
import jcri.image.oci.MediaTypes.Compression;

/**
 * Builds an image (config, layers, manifest) in OCI or Docker schema 2 form, for linux/amd64 unless
 * {@link #platform} says otherwise; {@link #index} lists several built images by platform.
 */
public final class ImageBuilder {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String DOCKER_GZIP_LAYER = "application/vnd.docker.image.rootfs.diff.tar.gzip";
    private static final String CREATED = "2026-11-01T00:00:00Z";

    /**
     * A built image, ready to push: config, manifest and layers as blobs, plus its platform (for an index).
     * {@link #id()} is the config digest, the image id a runtime reports.
     */
    public record BuiltImage(Blob config, Blob manifest, List<LayerBuilder.LayerBlob> layers, String os, String arch, String variant) {
        public String id() {
            return config.digest();
        }
    }

    private final boolean docker;
    private final List<LayerBuilder.LayerBlob> layers = new ArrayList<>();
    private final Map<String, String> labels = new LinkedHashMap<>();
    private String user = "";
    private List<String> env = List.of("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
    private List<String> entrypoint = List.of();
    private List<String> cmd = List.of();
    private String workingDir = "";
    private String os = "linux";
    private String arch = "amd64";
    private String variant = "";

    private ImageBuilder(boolean docker) {
        this.docker = docker;
    }

    public static ImageBuilder oci() {
        return new ImageBuilder(false);
    }

    public static ImageBuilder docker() {
        return new ImageBuilder(true);
    }

    /** Adds a layer; a Docker image's gzip layers get the Docker layer media type. */
    public ImageBuilder layer(LayerBuilder layer, Compression compression) {
        var built = layer.build(compression);
        if (docker && compression == Compression.GZIP) {
            var b = built.blob();
            built = new LayerBuilder.LayerBlob(new Blob(DOCKER_GZIP_LAYER, b.digest(), b.size(), b.file()), built.diffId());
        }
        layers.add(built);
        return this;
    }

    public ImageBuilder user(String value) {
        this.user = value;
        return this;
    }

    public ImageBuilder env(String... values) {
        this.env = List.of(values);
        return this;
    }

    public ImageBuilder entrypoint(String... values) {
        this.entrypoint = List.of(values);
        return this;
    }

    public ImageBuilder cmd(String... values) {
        this.cmd = List.of(values);
        return this;
    }

    public ImageBuilder workingDir(String value) {
        this.workingDir = value;
        return this;
    }

    public ImageBuilder label(String key, String value) {
        labels.put(key, value);
        return this;
    }

    public ImageBuilder platform(String os, String arch, String variant) {
        this.os = os;
        this.arch = arch;
        this.variant = variant;
        return this;
    }

    public BuiltImage build() {
        var config = JSON.createObjectNode();
        config.put("architecture", arch).put("os", os);
        if (!variant.isEmpty()) {
            config.put("variant", variant);
        }
        config.put("created", CREATED);
        var run = config.putObject("config");
        if (!user.isEmpty()) {
            run.put("User", user);
        }
        strings(run.putArray("Env"), env);
        if (!entrypoint.isEmpty()) {
            strings(run.putArray("Entrypoint"), entrypoint);
        }
        if (!cmd.isEmpty()) {
            strings(run.putArray("Cmd"), cmd);
        }
        if (!workingDir.isEmpty()) {
            run.put("WorkingDir", workingDir);
        }
        if (!labels.isEmpty()) {
            var l = run.putObject("Labels");
            labels.forEach(l::put);
        }
        var rootfs = config.putObject("rootfs").put("type", "layers");
        strings(rootfs.putArray("diff_ids"), layers.stream().map(LayerBuilder.LayerBlob::diffId).toList());
        var history = config.putArray("history");
        for (int i = 0; i < layers.size(); i++) {
            history.addObject().put("created", CREATED).put("created_by", "jcri ImageBuilder layer " + i);
        }
        var configBlob = blob(docker ? MediaTypes.DOCKER_CONFIG : MediaTypes.OCI_CONFIG, config);

        var manifest = JSON.createObjectNode();
        manifest.put("schemaVersion", 2).put("mediaType", docker ? MediaTypes.DOCKER_MANIFEST : MediaTypes.OCI_MANIFEST);
        descriptor(manifest.putObject("config"), configBlob);
        var list = manifest.putArray("layers");
        layers.forEach(l -> descriptor(list.addObject(), l.blob()));
        return new BuiltImage(configBlob, blob(docker ? MediaTypes.DOCKER_MANIFEST : MediaTypes.OCI_MANIFEST, manifest),
                List.copyOf(layers), os, arch, variant);
    }

    /** An OCI index or Docker manifest list of {@code images}, each with its platform. */
    public static Blob index(boolean docker, List<BuiltImage> images) {
        var index = JSON.createObjectNode();
        var type = docker ? MediaTypes.DOCKER_LIST : MediaTypes.OCI_INDEX;
        index.put("schemaVersion", 2).put("mediaType", type);
        var list = index.putArray("manifests");
        for (var image : images) {
            var d = list.addObject();
            descriptor(d, image.manifest());
            var p = d.putObject("platform").put("architecture", image.arch()).put("os", image.os());
            if (!image.variant().isEmpty()) {
                p.put("variant", image.variant());
            }
        }
        return blob(type, index);
    }

    private static void descriptor(ObjectNode node, Blob blob) {
        node.put("mediaType", blob.mediaType()).put("digest", blob.digest()).put("size", blob.size());
    }

    private static void strings(ArrayNode array, List<String> values) {
        values.forEach(array::add);
    }

    private static Blob blob(String mediaType, ObjectNode json) {
        try {
            var bytes = JSON.writeValueAsBytes(json);
            var file = Files.createTempFile("jcri-json-", ".blob");
            file.toFile().deleteOnExit();
            Files.write(file, bytes);
            return new Blob(mediaType, Digests.of(bytes), bytes.length, file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
