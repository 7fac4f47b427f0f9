package jcri.image.ref;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ImageReferenceTest {
    private static final String D = "sha256:" + "a".repeat(64);

    @ParameterizedTest
    @CsvSource({
            "busybox, docker.io/library/busybox:latest",
            "busybox:1.36, docker.io/library/busybox:1.36",
            "library/busybox, docker.io/library/busybox:latest",
            "docker.io/busybox, docker.io/library/busybox:latest",
            "index.docker.io/library/busybox:1, docker.io/library/busybox:1",
            "user/app:v1, docker.io/user/app:v1",
            "127.0.0.1:5000/a/b/c:t, 127.0.0.1:5000/a/b/c:t",
            "localhost/app, localhost/app:latest",
            "localhost:5000/app, localhost:5000/app:latest",
            "registry.k8s.io/pause:3.9, registry.k8s.io/pause:3.9",
            "[::1]:5000/app:x, [::1]:5000/app:x",
            "my-registry.local:443/ns/img_name__x.y-z:tag_1.2-3, my-registry.local:443/ns/img_name__x.y-z:tag_1.2-3",
    })
    void normalisesLikeDocker(String input, String expected) {
        assertEquals(expected, ImageReference.parse(input).toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"busybox@" + "sha256:" + "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
            "busybox:1.36@sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"})
    void digestsWinOverTags(String input) {
        var ref = ImageReference.parse(input);
        assertEquals(D, ref.digest());
        assertEquals(D, ref.manifestReference());
        assertEquals("docker.io/library/busybox@" + D, ref.withDigest(ref.digest()));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "''|empty",
            "Busybox|lowercase",
            "busybox:|not a valid tag",
            "busybox:-x|not a valid tag",
            "busybox@sha256:xyz|not a valid digest",
            "a//b|not a valid repository name",
            "/busybox|not a valid repository name",
            "busybox:latest:x|not a valid",
            "' busybox'|whitespace",
            "bad_host:5000:x/app|not a valid",
    })
    void rejectsWithTheReason(String input, String reason) {
        var e = assertThrows(InvalidReferenceException.class, () -> ImageReference.parse(input));
        assertTrue(e.getMessage().contains(reason), e.getMessage());
    }
}
