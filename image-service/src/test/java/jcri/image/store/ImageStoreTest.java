package jcri.image.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import jcri.image.ImageSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageStoreTest {
    private static final String A = "sha256:abcd" + "0".repeat(60);
    private static final String B = "sha256:abce" + "1".repeat(60);
    private static final ImageSpec SPEC = new ImageSpec(null, null, null, null, null, null, null, null, null);

    @TempDir
    Path dir;

    private static ImageRecord image(String id, List<String> tags, List<String> digests) {
        return new ImageRecord(id, tags, digests, 1, List.of(id), List.of(), SPEC);
    }

    private static Optional<String> id(ImageStore store, String reference) {
        return store.find(reference).map(ImageRecord::id);
    }

    @Test
    void findsByIdPrefixTagAndDigestReferenceNormalised() {
        var store = new ImageStore(dir);
        store.add(image(A, List.of("docker.io/library/busybox:1.36"), List.of("docker.io/library/busybox@sha256:" + "f".repeat(64))));
        store.add(image(B, List.of("quay.io/app/x:v1"), List.of()));

        assertEquals(Optional.of(A), id(store, A));
        assertEquals(Optional.of(A), id(store, A.substring(7)), "the hex without sha256:");
        assertEquals(Optional.of(B), id(store, "abce"));
        assertEquals(Optional.empty(), id(store, "abc"), "a prefix of fewer than 4 characters names nothing");
        assertEquals(Optional.empty(), id(store, "sha256:ab"));
        assertEquals(Optional.of(A), id(store, "busybox:1.36"));
        assertEquals(Optional.of(A), id(store, "busybox@sha256:" + "f".repeat(64)));
        assertEquals(Optional.of(B), id(store, "quay.io/app/x:v1"));
        assertEquals(Optional.empty(), id(store, "busybox"), "busybox means busybox:latest");
        assertEquals(Optional.empty(), id(store, ""));
    }

    @Test
    void aTagMovesToTheImageThatIsAddedWithIt() {
        var store = new ImageStore(dir);
        store.add(image(A, List.of("docker.io/library/app:latest", "docker.io/library/app:1"), List.of()));
        store.add(image(B, List.of("docker.io/library/app:latest"), List.of()));

        assertEquals(Optional.of(B), id(store, "app:latest"));
        assertEquals(List.of("docker.io/library/app:1"), store.find(A).orElseThrow().repoTags());
    }

    @Test
    void addingTheSameImageAgainMergesItsReferences() {
        var store = new ImageStore(dir);
        store.add(image(A, List.of("docker.io/library/a:1"), List.of("docker.io/library/a@sha256:" + "1".repeat(64))));
        var merged = store.add(image(A, List.of("docker.io/library/a:2", "docker.io/library/a:1"), List.of()));
        assertEquals(List.of("docker.io/library/a:1", "docker.io/library/a:2"), merged.repoTags());
        assertEquals(List.of("docker.io/library/a@sha256:" + "1".repeat(64)), merged.repoDigests());
    }

    @Test
    void recordsSurviveAReopenAndDeletesToo() {
        var store = new ImageStore(dir);
        store.add(image(A, List.of("docker.io/library/a:1"), List.of()));
        store.add(image(B, List.of("docker.io/library/b:1"), List.of()));
        store.delete(B);

        var reopened = new ImageStore(dir);
        assertEquals(List.of(A), reopened.all().stream().map(ImageRecord::id).toList());
        assertEquals(Optional.of(A), id(reopened, "a:1"));
    }

    @Test
    void deletingByAnythingButADigestIsRefused() {
        var e = assertThrows(IllegalArgumentException.class, () -> new ImageStore(dir).delete("busybox"));
        assertEquals("'busybox' is not a sha256 digest", e.getMessage());
    }
}
