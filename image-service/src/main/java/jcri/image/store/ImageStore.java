package jcri.image.store;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import jcri.image.content.Digests;
import jcri.image.ref.ImageReference;
import jcri.store.JsonStore;

/**
 * The local images, persisted one record per image and found by id, id prefix, tag or digest
 * reference. A tag names one image at a time: recording it on one image takes it off any other.
 */
public final class ImageStore {
    private static final int MIN_PREFIX = 4;
    private final JsonStore<ImageRecord> store;
    private final Map<String, ImageRecord> images = new LinkedHashMap<>();

    public ImageStore(Path dir) {
        this.store = new JsonStore<>(dir, ImageRecord.class);
        for (var record : store.all()) {
            images.put(record.id(), record);
        }
    }

    public synchronized List<ImageRecord> all() {
        return List.copyOf(images.values());
    }

    /** Finds an image by id, unambiguous id prefix, tag or digest reference (normalised first). */
    public synchronized Optional<ImageRecord> find(String reference) {
        if (reference == null || reference.isEmpty()) {
            return Optional.empty();
        }
        var hex = reference.startsWith("sha256:") ? reference.substring(7) : reference;
        boolean hexLike = hex.matches("[a-f0-9]{" + MIN_PREFIX + ",64}");
        if (hexLike && images.containsKey("sha256:" + hex)) {
            return Optional.of(images.get("sha256:" + hex));
        }
        if (!reference.startsWith("sha256:") && ImageReference.isValid(reference)) {
            var ref = ImageReference.parse(reference);
            var byReference = images.values().stream()
                    .filter(i -> ref.hasDigest() ? i.repoDigests().contains(ref.withDigest(ref.digest()))
                            : i.repoTags().contains(ref.tagged()))
                    .findFirst();
            if (byReference.isPresent()) {
                return byReference;
            }
        }
        if (hexLike) {
            var matches = images.values().stream().filter(i -> Digests.hex(i.id()).startsWith(hex)).toList();
            if (matches.size() == 1) {
                return Optional.of(matches.getFirst());
            }
        }
        return Optional.empty();
    }

    /**
     * Records a pulled image, merging its references into any record with the same id and taking
     * {@code tag} away from whichever image had it before.
     */
    public synchronized ImageRecord add(ImageRecord pulled) {
        for (var tag : pulled.repoTags()) {
            for (var other : List.copyOf(images.values())) {
                if (!other.id().equals(pulled.id()) && other.repoTags().contains(tag)) {
                    var tags = new ArrayList<>(other.repoTags());
                    tags.remove(tag);
                    put(other.withReferences(tags, other.repoDigests()));
                }
            }
        }
        var existing = images.get(pulled.id());
        var record = pulled;
        if (existing != null) {
            var tags = new LinkedHashSet<>(existing.repoTags());
            tags.addAll(pulled.repoTags());
            var digests = new LinkedHashSet<>(existing.repoDigests());
            digests.addAll(pulled.repoDigests());
            record = pulled.withReferences(List.copyOf(tags), List.copyOf(digests));
        }
        put(record);
        return record;
    }

    /** Replaces a record's references (after untagging). */
    public synchronized void update(ImageRecord record) {
        put(record);
    }

    public synchronized void delete(String id) {
        images.remove(id);
        store.delete(Digests.hex(id));
    }

    private void put(ImageRecord record) {
        store.put(Digests.hex(record.id()), record);
        images.put(record.id(), record);
    }
}
