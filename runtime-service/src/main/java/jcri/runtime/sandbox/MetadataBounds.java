package jcri.runtime.sandbox;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import jcri.api.CriException;

/**
 * Bounds on the labels and annotations of a pod or a container, checked by the call that carries them: each map at
 * most {@value #MAX_ENTRIES} entries and {@value #MAX_BYTES} bytes of keys and values. The API server lets a pod
 * carry 256 KiB of annotations and labels of at most 63-byte values; the kubelet adds a few of its own (a
 * container's pre-stop handler and ports as JSON), so no real pod comes near these.
 */
public final class MetadataBounds {
    static final int MAX_ENTRIES = 16_384;
    static final int MAX_BYTES = 1 << 20;

    private MetadataBounds() {
    }

    /** Throws INVALID_ARGUMENT when {@code map} ({@code what}: "pod labels"…) is over a bound. */
    public static void check(String what, Map<String, String> map) {
        if (map.size() > MAX_ENTRIES) {
            throw CriException.invalid("%s have %d entries; at most %d are accepted", what, map.size(), MAX_ENTRIES);
        }
        long bytes = 0;
        for (var entry : map.entrySet()) {
            bytes += utf8Length(entry.getKey()) + utf8Length(entry.getValue());
        }
        if (bytes > MAX_BYTES) {
            throw CriException.invalid("%s hold %d bytes of keys and values; at most %d are accepted", what, bytes, MAX_BYTES);
        }
    }

    private static int utf8Length(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }
}
