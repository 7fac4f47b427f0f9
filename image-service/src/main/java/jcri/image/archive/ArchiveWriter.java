package jcri.image.archive;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.function.Function;
import jcri.image.content.Digests;
import jcri.image.oci.Descriptor;
import jcri.image.oci.ImageIndex;
import jcri.image.oci.MediaTypes;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * Writes images as one OCI image layout tar ({@code oci-layout}, {@code index.json} with one entry per image name,
 * {@code blobs/sha256/}) that also carries a {@code docker save} {@code manifest.json} pointing into
 * {@code blobs/}, so OCI tools and {@code docker load} both read it. Blobs are streamed from their files.
 */
public final class ArchiveWriter {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long FIXED_TIME = 0;

    /**
     * An image to write.
     *
     * @param names its {@code name:tag} references
     * @param top the descriptor of its top-level manifest or index
     * @param config its config digest
     * @param layers its layer digests for this platform, base first
     * @param blobs every blob of it to write
     */
    public record Image(List<String> names, Descriptor top, String config, List<String> layers, List<String> blobs) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    private record DockerEntry(@JsonProperty("Config") String config, @JsonProperty("RepoTags") List<String> repoTags,
                               @JsonProperty("Layers") List<String> layers) {
    }

    private ArchiveWriter() {
    }

    /** Writes {@code images}, whose blobs {@code blobFiles} finds, to {@code out} (left open). */
    public static void write(List<Image> images, Function<String, Path> blobFiles, OutputStream out) throws IOException {
        var tar = new TarArchiveOutputStream(out, StandardCharsets.UTF_8.name());
        tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
        tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
        entry(tar, "oci-layout", "{\"imageLayoutVersion\":\"1.0.0\"}".getBytes(StandardCharsets.UTF_8));
        var index = new ArrayList<Descriptor>();
        var docker = new ArrayList<DockerEntry>();
        for (var image : images) {
            if (image.names().isEmpty()) {
                index.add(image.top());
            }
            for (var name : image.names()) {
                var annotations = new LinkedHashMap<String, String>();
                annotations.put(OciLayoutReader.CONTAINERD_NAME, name);
                annotations.put(OciLayoutReader.REF_NAME, name.substring(name.lastIndexOf(':') + 1));
                var top = image.top();
                index.add(new Descriptor(top.mediaType(), top.digest(), top.size(), null, annotations));
            }
            docker.add(new DockerEntry(blobName(image.config()), image.names(), image.layers().stream().map(ArchiveWriter::blobName).toList()));
        }
        entry(tar, "index.json", JSON.writeValueAsBytes(new ImageIndex(2, MediaTypes.OCI_INDEX, index)));
        entry(tar, "manifest.json", JSON.writeValueAsBytes(docker));
        dir(tar, "blobs/");
        dir(tar, "blobs/sha256/");
        var written = new HashSet<String>();
        for (var image : images) {
            for (var digest : image.blobs()) {
                if (written.add(digest)) {
                    var file = blobFiles.apply(digest);
                    var header = header(blobName(digest), Files.size(file));
                    tar.putArchiveEntry(header);
                    Files.copy(file, tar);
                    tar.closeArchiveEntry();
                }
            }
        }
        tar.finish();
        tar.flush();
    }

    private static String blobName(String digest) {
        return "blobs/sha256/" + Digests.hex(digest);
    }

    private static void entry(TarArchiveOutputStream tar, String name, byte[] content) throws IOException {
        tar.putArchiveEntry(header(name, content.length));
        tar.write(content);
        tar.closeArchiveEntry();
    }

    private static void dir(TarArchiveOutputStream tar, String name) throws IOException {
        var header = new TarArchiveEntry(name);
        header.setMode(040755);
        header.setModTime(FIXED_TIME);
        tar.putArchiveEntry(header);
        tar.closeArchiveEntry();
    }

    private static TarArchiveEntry header(String name, long size) {
        var header = new TarArchiveEntry(name);
        header.setSize(size);
        header.setMode(0100644);
        header.setModTime(FIXED_TIME);
        return header;
    }
}
