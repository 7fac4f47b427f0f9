package jcri.image.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * Writes built images as image archives: an OCI image layout tar ({@link #oci}) or a classic {@code docker save} tar
 * ({@link #dockerSave}: {@code <config hex>.json}, {@code <n>/layer.tar}, {@code manifest.json} last, as docker writes
 * it). {@link #entry} adds or replaces any file, for broken archives.
 */
public final class ArchiveBuilder {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Map<String, Path> files = new LinkedHashMap<>();

    /** An OCI layout of {@code images}: each top-level blob (manifest or index) listed in index.json with {@code annotations}. */
    public static ArchiveBuilder oci(List<Entry> entries) {
        var archive = new ArchiveBuilder();
        archive.text("oci-layout", "{\"imageLayoutVersion\":\"1.0.0\"}");
        var index = JSON.createObjectNode().put("schemaVersion", 2).put("mediaType", "application/vnd.oci.image.index.v1+json");
        var list = index.putArray("manifests");
        var blobs = new LinkedHashSet<Blob>();
        for (var entry : entries) {
            var d = list.addObject().put("mediaType", entry.top().mediaType()).put("digest", entry.top().digest())
                    .put("size", entry.top().size());
            if (!entry.annotations().isEmpty()) {
                var a = d.putObject("annotations");
                entry.annotations().forEach(a::put);
            }
            blobs.add(entry.top());
            blobs.addAll(entry.blobs());
        }
        for (var blob : blobs) {
            archive.files.put("blobs/sha256/" + blob.digest().substring(7), blob.file());
        }
        archive.text("index.json", index.toString());
        return archive;
    }

    /** An index.json entry: its top-level blob, the annotations it has and every blob below it to include. */
    public record Entry(Blob top, Map<String, String> annotations, List<Blob> blobs) {
        /** A single-platform image named by containerd's annotation ({@code name} "" for none). */
        public static Entry of(ImageBuilder.BuiltImage image, String name) {
            return new Entry(image.manifest(), name.isEmpty() ? Map.of() : Map.of("io.containerd.image.name", name), ArchiveBuilder.blobs(image));
        }
    }

    /** The config and layers of {@code image}. */
    public static List<Blob> blobs(ImageBuilder.BuiltImage image) {
        var out = new ArrayList<Blob>();
        out.add(image.config());
        image.layers().forEach(l -> out.add(l.blob()));
        return out;
    }

    /** A {@code docker save} archive of {@code image} tagged {@code repoTags}; its layers go in as built. */
    public static ArchiveBuilder dockerSave(ImageBuilder.BuiltImage image, List<String> repoTags) {
        var archive = new ArchiveBuilder();
        var config = image.config().digest().substring(7) + ".json";
        archive.files.put(config, image.config().file());
        var layers = new ArrayList<String>();
        for (int i = 0; i < image.layers().size(); i++) {
            var name = "layer" + i + "/layer.tar";
            archive.files.put(name, image.layers().get(i).blob().file());
            layers.add(name);
        }
        var entry = JSON.createArrayNode().addObject().put("Config", config);
        repoTags.forEach(entry.putArray("RepoTags")::add);
        layers.forEach(entry.putArray("Layers")::add);
        archive.text("manifest.json", "[" + entry + "]");
        return archive;
    }

    /** Adds or replaces the file {@code name}. */
    public ArchiveBuilder entry(String name, byte[] content) {
        try {
            var file = Files.createTempFile("jcri-archive-", ".entry");
            file.toFile().deleteOnExit();
            Files.write(file, content);
            files.put(name, file);
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Leaves the file {@code name} out. */
    public ArchiveBuilder without(String name) {
        files.remove(name);
        return this;
    }

    private void text(String name, String content) {
        entry(name, content.getBytes(StandardCharsets.UTF_8));
    }

    public void writeTo(OutputStream out) throws IOException {
        var tar = new TarArchiveOutputStream(out, StandardCharsets.UTF_8.name());
        tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
        tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
        for (var file : files.entrySet()) {
            var entry = new TarArchiveEntry(file.getKey());
            entry.setSize(Files.size(file.getValue()));
            tar.putArchiveEntry(entry);
            Files.copy(file.getValue(), tar);
            tar.closeArchiveEntry();
        }
        tar.finish();
        tar.flush();
    }

    public Path writeTo(Path target) {
        try (var out = Files.newOutputStream(target)) {
            writeTo(out);
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
