package jcri.image.archive;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import jcri.image.oci.Descriptor;
import jcri.image.oci.MediaTypes;
import jcri.image.oci.MediaTypes.Compression;
import jcri.image.oci.Platform;
import jcri.image.testing.ArchiveBuilder;
import jcri.image.testing.ImageBuilder;
import jcri.image.testing.LayerBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ArchiveWriterTest {
    @TempDir
    Path dir;

    @Test
    void writesAnOciLayoutWithADockerManifestThatReadsBackWithItsNames() throws Exception {
        var built = ImageBuilder.oci().layer(new LayerBuilder().file("a", "a"), Compression.GZIP)
                .layer(new LayerBuilder().file("b", "b"), Compression.NONE).build();
        var files = new HashMap<String, Path>();
        for (var blob : ArchiveBuilder.blobs(built)) {
            files.put(blob.digest(), blob.file());
        }
        files.put(built.manifest().digest(), built.manifest().file());
        var layers = built.layers().stream().map(l -> l.blob().digest()).toList();
        var blobs = new java.util.ArrayList<>(List.of(built.manifest().digest(), built.id()));
        blobs.addAll(layers);
        var image = new ArchiveWriter.Image(List.of("example.com/a:1", "example.com/a:2"),
                new Descriptor(MediaTypes.OCI_MANIFEST, built.manifest().digest(), built.manifest().size(), null, null),
                built.id(), layers, blobs);
        var out = new ByteArrayOutputStream();
        ArchiveWriter.write(List.of(image), files::get, out);

        try (var archive = SpooledArchive.read(new ByteArrayInputStream(out.toByteArray()), dir.resolve("spool"))) {
            var read = ArchiveReader.images(archive, new Platform("amd64", "linux", "", null));
            assertEquals(1, read.size(), "one image however many names");
            assertEquals(List.of("example.com/a:1", "example.com/a:2"), read.getFirst().names());
            assertEquals(built.manifest().digest(), read.getFirst().top().digest());
            assertEquals(layers, read.getFirst().layers().stream().map(l -> l.descriptor().digest()).toList());
            var docker = new ObjectMapper().readTree(archive.bytes(archive.file("manifest.json").orElseThrow()));
            assertEquals("blobs/sha256/" + built.id().substring(7), docker.get(0).get("Config").asText());
            assertEquals("example.com/a:2", docker.get(0).get("RepoTags").get(1).asText());
            assertEquals(2, docker.get(0).get("Layers").size());
            var index = new ObjectMapper().readTree(archive.bytes(archive.file("index.json").orElseThrow()));
            assertEquals("1", index.get("manifests").get(0).get("annotations").get("org.opencontainers.image.ref.name").asText());
            assertEquals("{\"imageLayoutVersion\":\"1.0.0\"}", Files.readString(archive.file("oci-layout").orElseThrow().path()));
        }
    }
}
