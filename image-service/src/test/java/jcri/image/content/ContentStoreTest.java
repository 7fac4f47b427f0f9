package jcri.image.content;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ContentStoreTest {
    private static final byte[] DATA = "layer bytes".getBytes(StandardCharsets.UTF_8);
    private static final String DIGEST = Digests.of(DATA);

    @TempDir
    Path root;

    private static List<Path> ingest(Path root) throws Exception {
        try (var files = Files.list(root.resolve("ingest"))) {
            return files.toList();
        }
    }

    @Test
    void aBlobIsStoredUnderItsDigestAndProgressIsReported() throws Exception {
        var store = new ContentStore(root);
        var progress = new ArrayList<Long>();
        var path = store.write(DIGEST, DATA.length, new ByteArrayInputStream(DATA), progress::add);

        assertEquals(root.resolve("blobs/sha256/" + Digests.hex(DIGEST)), path);
        assertTrue(store.has(DIGEST));
        assertArrayEquals(DATA, store.read(DIGEST));
        assertEquals(DATA.length, store.size(DIGEST));
        assertEquals((long) DATA.length, progress.stream().mapToLong(Long::longValue).sum());
        assertEquals(List.of(), ingest(root));
    }

    @Test
    void anAdoptedFileIsMovedInOnceAndAPresentBlobIsKept() throws Exception {
        var store = new ContentStore(root);
        var spooled = Files.write(root.resolve("spooled"), DATA);
        assertEquals(store.path(DIGEST), store.adopt(DIGEST, spooled));
        assertArrayEquals(DATA, store.read(DIGEST));
        assertTrue(Files.notExists(spooled));
        var again = Files.write(root.resolve("again"), DATA);
        store.adopt(DIGEST, again);
        assertTrue(Files.exists(again), "the blob already there is kept, the file left to its owner");
    }

    private static jcri.api.CriException dataLoss(org.junit.jupiter.api.function.Executable write) {
        var e = assertThrows(jcri.api.CriException.class, write);
        assertEquals(io.grpc.Status.Code.DATA_LOSS, e.code());
        return e;
    }

    @Test
    void contentThatDoesNotMatchItsDigestOrSizeNeverBecomesVisible() throws Exception {
        var store = new ContentStore(root);
        var other = Digests.of("other".getBytes(StandardCharsets.UTF_8));
        assertEquals("digest mismatch: the registry sent " + DIGEST + " for blob " + other + "; nothing was stored",
                dataLoss(() -> store.write(other, DATA.length, new ByteArrayInputStream(DATA), n -> { })).getMessage());
        assertEquals("blob " + DIGEST + " ended after 11 of 12 bytes",
                dataLoss(() -> store.write(DIGEST, DATA.length + 1, new ByteArrayInputStream(DATA), n -> { })).getMessage());
        assertEquals("blob " + DIGEST + " is longer than the 10 bytes its descriptor declares",
                dataLoss(() -> store.write(DIGEST, DATA.length - 1, new ByteArrayInputStream(DATA), n -> { })).getMessage());
        assertFalse(store.has(other));
        assertFalse(store.has(DIGEST));
        assertEquals(List.of(), ingest(root), "nothing left in ingest either");
        var missing = assertThrows(jcri.api.CriException.class, () -> store.read(DIGEST));
        assertEquals(io.grpc.Status.Code.NOT_FOUND, missing.code());
        assertEquals("blob " + DIGEST + " is not in the content store", missing.getMessage());
    }

    @Test
    void leftoverIngestFilesAreRemovedOnOpen() throws Exception {
        new ContentStore(root);
        Files.writeString(root.resolve("ingest/crashed-download"), "partial");
        new ContentStore(root);
        assertEquals(List.of(), ingest(root));
    }

    @Test
    void retainOnlyDeletesEveryOtherBlobAndCountsTheBytes() throws Exception {
        var store = new ContentStore(root);
        var keep = "keep".getBytes(StandardCharsets.UTF_8);
        store.put(Digests.of(keep), keep);
        store.put(DIGEST, DATA);

        assertEquals(DATA.length, store.retainOnly(Set.of(Digests.of(keep))));
        assertTrue(store.has(Digests.of(keep)));
        assertFalse(store.has(DIGEST));
        assertEquals(new jcri.snapshot.Usage(keep.length, 1), store.usage());
    }

    @Test
    void digestsAreCheckedForShape() {
        assertEquals("ab".repeat(32), Digests.hex("sha256:" + "ab".repeat(32)));
        assertEquals("'sha256:AB' is not a sha256 digest", assertThrows(IllegalArgumentException.class,
                () -> Digests.require("sha256:AB")).getMessage());
        assertThrows(IllegalArgumentException.class, () -> Digests.hex("sha512:" + "a".repeat(64)));
        assertThrows(IllegalArgumentException.class, () -> Digests.require(null));
        assertThrows(IllegalArgumentException.class, () -> new ContentStore(root).path("../../etc/passwd"),
                "a digest never names a path outside the store");
    }

    @Test
    void digestOfBytesIsTheStandardSha256() {
        assertEquals("sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", Digests.of(new byte[0]));
    }
}
