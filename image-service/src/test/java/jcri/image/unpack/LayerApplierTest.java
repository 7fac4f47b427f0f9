package jcri.image.unpack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.luben.zstd.ZstdOutputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import jcri.image.content.Digests;
import jcri.image.oci.MediaTypes.Compression;
import jcri.linux.LinuxCalls;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@link LayerApplier} on real tars into a temp dir, as the test's own user (no root). */
@Timeout(value = 10, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // an unpack that blocks fails, not hangs the build
class LayerApplierTest {
    private static final LayerApplier.Limits ROOMY = new LayerApplier.Limits(1L << 30, 100);

    @TempDir
    Path tmp;
    private Path upper;
    private Path lower;
    private Tar tar;

    @BeforeEach
    void setUp() throws IOException {
        upper = Files.createDirectories(tmp.resolve("upper"));
        lower = Files.createDirectories(tmp.resolve("lower"));
        tar = tar();
    }

    /** A new layer whose entries belong to the test's own user, so applying it needs no root. */
    private Tar tar() {
        try {
            return new Tar((int) Files.getAttribute(tmp, "unix:uid"), (int) Files.getAttribute(tmp, "unix:gid"));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private LayerApplier.Applied apply(byte[] layer) throws IOException {
        return apply(layer, List.of(lower));
    }

    private LayerApplier.Applied apply(byte[] layer, List<Path> lowers) throws IOException {
        return new LayerApplier(ROOMY).apply(new ByteArrayInputStream(layer), Compression.NONE, layer.length, upper, lowers);
    }

    private String rejected(byte[] layer) {
        return assertThrows(LayerRejectedException.class, () -> apply(layer)).getMessage();
    }

    private static int mode(Path p) throws IOException {
        return (int) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS);
    }

    @Test
    void filesAndDirectoriesKeepModesAndTimesAndTheDiffIdIsTheTarDigest() throws IOException {
        var layer = tar.dir("etc", 0750).file("etc/motd", "hello", 0640).file("./bin/tool", "#!", 0755).bytes();

        var applied = apply(layer);

        assertEquals(Digests.of(layer), applied.diffId());
        assertEquals(layer.length, applied.unpackedBytes(), "the whole tar is counted, padding included");
        assertEquals("hello", Files.readString(upper.resolve("etc/motd")));
        assertEquals(0640, mode(upper.resolve("etc/motd")) & 07777);
        assertEquals(0755, mode(upper.resolve("bin/tool")) & 07777);
        assertEquals(0750, mode(upper.resolve("etc")) & 07777);
        assertEquals(Tar.TIME.toInstant(), Files.getLastModifiedTime(upper.resolve("etc/motd")).toInstant());
        assertEquals(Tar.TIME.toInstant(), Files.getLastModifiedTime(upper.resolve("etc")).toInstant(),
                "a directory's time is set after its children are written");
    }

    @Test
    void gzipAndZstdLayersGiveTheDiffIdOfTheUncompressedTar() throws IOException {
        var layer = tar.file("a", "content", 0644).bytes();
        var gz = new ByteArrayOutputStream();
        try (var out = new GZIPOutputStream(gz)) {
            out.write(layer);
        }
        var zst = new ByteArrayOutputStream();
        try (var out = new ZstdOutputStream(zst)) {
            out.write(layer);
        }
        var applier = new LayerApplier(ROOMY);
        var fromGzip = applier.apply(new ByteArrayInputStream(gz.toByteArray()), Compression.GZIP, gz.size(), upper, List.of());
        var fromZstd = applier.apply(new ByteArrayInputStream(zst.toByteArray()), Compression.ZSTD, zst.size(),
                Files.createDirectories(tmp.resolve("upper2")), List.of());

        assertEquals(Digests.of(layer), fromGzip.diffId());
        assertEquals(Digests.of(layer), fromZstd.diffId());
        assertEquals("content", Files.readString(tmp.resolve("upper2/a")));
    }

    @Test
    void dotDotThatClimbsOutOfTheRootIsRejected() {
        assertEquals("entry '../etc/passwd' points outside the image root", rejected(tar.file("../etc/passwd", "x", 0644).bytes()));
        assertEquals("entry 'a/../../b' points outside the image root", rejected(tar().file("a/../../b", "x", 0644).bytes()));
        assertFalse(Files.exists(tmp.resolve("etc")));
    }

    @Test
    void dotDotInsideTheRootAndAbsoluteNamesStayInTheSnapshot() throws IOException {
        apply(tar.file("a/../b", "inside", 0644).file("/abs/file", "rooted", 0644).bytes());
        assertEquals("inside", Files.readString(upper.resolve("b")));
        assertEquals("rooted", Files.readString(upper.resolve("abs/file")));
    }

    @Test
    void aSymlinkToAnOutsideDirectoryIsFollowedInsideTheSnapshot() throws IOException {
        var outside = Files.createDirectories(tmp.resolve("outside"));
        apply(tar.symlink("escape", outside.toString()).symlink("up", "../../..").file("escape/pwned", "1", 0644)
                .file("up/pwned2", "2", 0644).bytes());

        assertFalse(Files.exists(outside.resolve("pwned")));
        assertEquals("1", Files.readString(upper.resolve(outside.toString().substring(1)).resolve("pwned")),
                "an absolute target is taken from the snapshot root");
        assertFalse(Files.exists(tmp.resolve("pwned2")));
        assertEquals("2", Files.readString(upper.resolve("pwned2")), "'..' never climbs above the snapshot root");
        assertTrue(Files.isSymbolicLink(upper.resolve("escape")), "the link itself is kept as the layer has it");
    }

    @Test
    void aSymlinkedDirectoryOfALowerLayerIsResolvedAndCopiedUpWithItsMode() throws IOException {
        Files.createDirectories(lower.resolve("usr/lib"));
        Files.setAttribute(lower.resolve("usr/lib"), "unix:mode", 0700);
        Files.createSymbolicLink(lower.resolve("lib"), Path.of("usr/lib"));

        apply(tar.file("lib/libc.so", "elf", 0644).bytes());

        assertEquals("elf", Files.readString(upper.resolve("usr/lib/libc.so")));
        assertFalse(Files.exists(upper.resolve("lib"), LinkOption.NOFOLLOW_LINKS), "the link stays in the lower layer");
        assertEquals(0700, mode(upper.resolve("usr/lib")) & 07777);
    }

    @Test
    void aSymlinkLoopIsRejected() {
        var message = rejected(tar.symlink("a", "b").symlink("b", "a").file("a/x", "", 0644).bytes());
        assertEquals("entry 'a/x' passes through too many symbolic links", message);
    }

    @Test
    void aFileWhereADirectoryIsNeededIsRejected() {
        assertEquals("entry 'a/b' needs 'a' to be a directory, but it is a file",
                rejected(tar.file("a", "", 0644).file("a/b", "", 0644).bytes()));
    }

    @Test
    void aHardLinkSharesTheInodeOfAnEarlierEntry() throws IOException {
        apply(tar.file("bin/busybox", "bb", 0755).hardlink("bin/sh", "bin/busybox").bytes());
        assertEquals(Files.getAttribute(upper.resolve("bin/busybox"), "unix:ino"), Files.getAttribute(upper.resolve("bin/sh"), "unix:ino"));
        assertEquals(2, Files.getAttribute(upper.resolve("bin/sh"), "unix:nlink"));
    }

    @Test
    void aHardLinkToALowerLayerFileCopiesItUpFirst() throws IOException {
        Files.createDirectories(lower.resolve("bin"));
        Files.writeString(lower.resolve("bin/busybox"), "lower bb");

        apply(tar.hardlink("bin/sh", "bin/busybox").bytes());

        assertEquals("lower bb", Files.readString(upper.resolve("bin/sh")));
        assertEquals(Files.getAttribute(upper.resolve("bin/busybox"), "unix:ino"), Files.getAttribute(upper.resolve("bin/sh"), "unix:ino"));
        assertEquals(1, Files.getAttribute(lower.resolve("bin/busybox"), "unix:nlink"), "the lower file is never linked");
    }

    @Test
    void hardLinksToNothingToADirectoryOrOutsideAreRejected() {
        assertEquals("hard link 'sh' points to 'busybox', which does not exist in the image",
                rejected(tar.hardlink("sh", "busybox").bytes()));
        assertEquals("hard link 'd2' points to a directory", rejected(tar().dir("d", 0755).hardlink("d2", "d").bytes()));
        assertEquals("entry '../../etc/shadow' points outside the image root",
                rejected(tar().hardlink("shadow", "../../etc/shadow").bytes()));
        assertEquals("hard link 'x' has no target", rejected(tar().hardlink("x", "./").bytes()));
    }

    @Test
    void aWhiteoutHidesTheLowerFileAsAZeroZeroCharacterDevice() throws IOException {
        Files.createDirectories(lower.resolve("etc"));
        Files.writeString(lower.resolve("etc/old.conf"), "old");

        apply(tar.file("etc/.wh.old.conf", "", 0644).bytes());

        var hidden = upper.resolve("etc/old.conf");
        assertEquals(LinuxCalls.S_IFCHR, mode(hidden) & 0170000);
        assertEquals(0L, Files.getAttribute(hidden, "unix:rdev", LinkOption.NOFOLLOW_LINKS));
        assertTrue(RootedResolver.isWhiteout(hidden));
        assertFalse(Files.exists(upper.resolve("etc/.wh.old.conf")), "the marker file itself is not written");
    }

    @Test
    void aWhiteoutReplacesWhatAnEarlierEntryOfTheLayerWrote() throws IOException {
        apply(tar.dir("d", 0755).file("d/f", "x", 0644).file(".wh.d", "", 0644).bytes());
        assertTrue(RootedResolver.isWhiteout(upper.resolve("d")));
    }

    @Test
    void aDirectoryReplacedLaterInTheLayerGetsNoDirectoryTimeAndDoesNotHangTheUnpack() throws IOException {
        apply(tar.dir("d", 0755).fifo("d").dir("e", 0755).file("e", "now a file", 0644).bytes());
        assertEquals(LinuxCalls.S_IFIFO, mode(upper.resolve("d")) & 0170000);
        assertEquals("now a file", Files.readString(upper.resolve("e")));
    }

    @Test
    void aWhiteoutThatNamesNoFileIsRejected() {
        assertEquals("whiteout 'etc/.wh..' names no file", rejected(tar.file("etc/.wh..", "", 0644).bytes()));
        assertEquals("whiteout '.wh.' names no file", rejected(tar().file(".wh.", "", 0644).bytes()));
    }

    @Test
    void aDirectoryUnderAWhiteoutOfALowerLayerStartsEmpty() throws IOException {
        Files.createDirectories(lower.resolve("var/cache"));
        Files.writeString(lower.resolve("var/cache/stale"), "x");
        var nearer = Files.createDirectories(tmp.resolve("nearer"));
        LinuxCalls.mknod(nearer.resolve("var").toString(), LinuxCalls.S_IFCHR, 0); // var deleted by the layer above lower

        apply(tar.file("var/cache/new", "n", 0644).bytes(), List.of(nearer, lower));

        assertEquals("n", Files.readString(upper.resolve("var/cache/new")));
        assertFalse(Files.exists(upper.resolve("var/cache/stale")));
    }

    @Test
    void aRedeclaredDirectoryKeepsItsContentAndAFileIsReplaced() throws IOException {
        apply(tar.dir("d", 0755).file("d/keep", "k", 0644).file("f", "first", 0644).dir("d", 0700).file("f", "second", 0600).bytes());
        assertEquals("k", Files.readString(upper.resolve("d/keep")));
        assertEquals(0700, mode(upper.resolve("d")) & 07777);
        assertEquals("second", Files.readString(upper.resolve("f")));
    }

    @Test
    void aFifoIsCreatedAsAFifo() throws IOException {
        apply(tar.fifo("run/pipe").bytes());
        assertEquals(LinuxCalls.S_IFIFO, mode(upper.resolve("run/pipe")) & 0170000);
        assertEquals(0600, mode(upper.resolve("run/pipe")) & 07777);
    }

    @Test
    void xattrsFromPaxHeadersAreSetButNeverOverlaysOwn() throws IOException {
        apply(tar.file("f", "x", 0644).pax("SCHILY.xattr.user.comment", "schily")
                .pax("LIBARCHIVE.xattr.user.%63ap", java.util.Base64.getEncoder().encodeToString("libarchive".getBytes()))
                .dir("d", 0755).pax("SCHILY.xattr.trusted.overlay.opaque", "y").bytes());

        var path = upper.resolve("f").toString();
        assertEquals("schily", new String(LinuxCalls.lgetxattr(path, "user.comment")));
        assertEquals("libarchive", new String(LinuxCalls.lgetxattr(path, "user.cap")), "LIBARCHIVE names are URL-encoded");
        var e = assertThrows(jcri.linux.ErrnoException.class, () -> LinuxCalls.lgetxattr(upper.resolve("d").toString(), "trusted.overlay.opaque"));
        assertTrue(e.errno() == LinuxCalls.ENODATA || e.errno() == 1 /* EPERM: trusted.* unreadable without root */, e.getMessage());
    }

    @Test
    void namesAndPathsPastTheKernelLimitsAreRejected() {
        var longName = "n".repeat(256);
        assertEquals("entry '" + "n".repeat(100) + "… (256 characters)' has a name longer than NAME_MAX (255 bytes)",
                rejected(tar.file(longName, "", 0644).bytes()));
        var deep = ("d".repeat(200) + "/").repeat(21) + "f";
        assertTrue(rejected(tar().file(deep, "", 0644).bytes()).endsWith("makes a path longer than PATH_MAX (4096 bytes)"));
        assertEquals("symbolic link 'l' has a target longer than PATH_MAX (4096 bytes)",
                rejected(tar().symlink("l", "t/".repeat(2048)).bytes()));
    }

    @Test
    void cleanDropsDotAndEmptyComponents() {
        assertEquals(List.of("a", "c"), LayerApplier.clean("./a//b/../c/."));
        assertEquals(List.of(), LayerApplier.clean("./"));
    }

    @Test
    void aLayerThatExpandsPastTheLimitIsRejectedWithoutWritingItAll() {
        var big = tar.file("zeros", "\0".repeat(3 << 20), 0644).bytes();
        var applier = new LayerApplier(new LayerApplier.Limits(1 << 20, 10));

        var e = assertThrows(LayerRejectedException.class,
                () -> applier.apply(new ByteArrayInputStream(big), Compression.NONE, 1000, upper, List.of()));

        assertEquals("layer expands past 1048576 bytes (1000 bytes compressed; limits: max_layer_unpacked_bytes 1048576, "
                + "max_expansion_ratio 10)", e.getMessage());
        assertTrue(!Files.exists(upper.resolve("zeros")) || upper.resolve("zeros").toFile().length() <= 1 << 20);
    }

    @Test
    void theLimitIsTheRatioBoundAboveAFloorAndBelowTheAbsoluteMaximum() {
        var limits = new LayerApplier.Limits(10L << 30, 50);
        assertEquals(LayerApplier.Limits.RATIO_FLOOR, limits.limitFor(1000), "tiny layers may expand up to the floor");
        assertEquals(100L * 50 << 20, limits.limitFor(100L << 20));
        assertEquals(10L << 30, limits.limitFor(1L << 30), "the absolute maximum caps the ratio");
        assertEquals(10L << 30, limits.limitFor(Long.MAX_VALUE / 2), "no overflow for huge compressed sizes");
    }
}
