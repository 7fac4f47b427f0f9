package jcri.image.unpack;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

/**
 * A small uncompressed tar for unpack tests, every entry owned by {@code uid:gid} (the test's own user,
 * so applying it needs no root) and named exactly as given.
 */
final class Tar {
    static final Date TIME = new Date(1_700_000_000_000L);
    private final int uid;
    private final int gid;
    private final List<TarArchiveEntry> entries = new ArrayList<>();
    private final List<byte[]> contents = new ArrayList<>();

    Tar(int uid, int gid) {
        this.uid = uid;
        this.gid = gid;
    }

    Tar dir(String name, int mode) {
        return add(name.endsWith("/") ? name : name + "/", TarConstants.LF_DIR, null, null, 040000 | mode);
    }

    Tar file(String name, String content, int mode) {
        return add(name, TarConstants.LF_NORMAL, null, content.getBytes(StandardCharsets.UTF_8), 0100000 | mode);
    }

    Tar symlink(String name, String target) {
        return add(name, TarConstants.LF_SYMLINK, target, null, 0120777);
    }

    Tar hardlink(String name, String target) {
        return add(name, TarConstants.LF_LINK, target, null, 0100644);
    }

    Tar fifo(String name) {
        return add(name, TarConstants.LF_FIFO, null, null, 010600);
    }

    /** Adds a PAX header (an extended attribute record such as {@code SCHILY.xattr.user.x}) to the last entry. */
    Tar pax(String key, String value) {
        entries.getLast().addPaxHeader(key, value);
        return this;
    }

    private Tar add(String name, byte type, String link, byte[] content, int mode) {
        var e = new TarArchiveEntry(name, type, true);
        if (link != null) {
            e.setLinkName(link);
        }
        e.setMode(mode);
        e.setUserId(uid);
        e.setGroupId(gid);
        e.setModTime(TIME);
        if (content != null) {
            e.setSize(content.length);
        }
        entries.add(e);
        contents.add(content);
        return this;
    }

    byte[] bytes() {
        var out = new ByteArrayOutputStream();
        try (var tar = new TarArchiveOutputStream(out, StandardCharsets.UTF_8.name())) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            for (int i = 0; i < entries.size(); i++) {
                tar.putArchiveEntry(entries.get(i));
                if (contents.get(i) != null) {
                    tar.write(contents.get(i));
                }
                tar.closeArchiveEntry();
            }
            tar.finish();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
