package jcri.image.archive;

import java.nio.file.Path;

/**
 * A regular file of an image archive, spooled to disk.
 *
 * @param name its path in the archive, cleaned ({@code blobs/sha256/<hex>}, {@code manifest.json})
 * @param digest the sha256 of its content, computed while it was written
 * @param size its length in bytes
 * @param path where its content is
 */
public record ArchiveFile(String name, String digest, long size, Path path) {
}
