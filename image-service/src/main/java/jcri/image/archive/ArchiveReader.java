package jcri.image.archive;

import java.io.IOException;
import java.util.List;
import jcri.api.CriException;
import jcri.image.oci.Platform;

/**
 * Finds the images of a spooled archive: an OCI image layout when it has {@code index.json} (Docker 25 and later
 * write one beside their {@code manifest.json}), else a classic {@code docker save} archive by its
 * {@code manifest.json}. Every blob the images need must be in the archive with its declared digest and size;
 * what is wrong is INVALID_ARGUMENT naming it.
 */
public final class ArchiveReader {
    private ArchiveReader() {
    }

    /** The images of {@code archive}, each with its manifest for {@code platform}. */
    public static List<ArchiveImage> images(SpooledArchive archive, Platform platform) throws IOException {
        var index = archive.file("index.json");
        if (index.isPresent()) {
            return new OciLayoutReader(archive, platform).images(index.get());
        }
        var manifest = archive.file("manifest.json");
        if (manifest.isPresent()) {
            return new DockerSaveReader(archive).images(manifest.get());
        }
        throw CriException.invalid("the archive is neither an OCI image layout (no index.json) nor a docker save archive "
                + "(no manifest.json)");
    }
}
