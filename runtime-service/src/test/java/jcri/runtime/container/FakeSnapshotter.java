package jcri.runtime.container;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import jcri.snapshot.Info;
import jcri.snapshot.Mount;
import jcri.snapshot.Snapshotter;
import jcri.snapshot.Usage;

/** A snapshotter holding only a list of snapshots; the containers' code lists, removes and makes views of them, nothing else. */
final class FakeSnapshotter implements Snapshotter {
    final List<Info> snapshots = new ArrayList<>();
    final List<String> removed = new ArrayList<>();

    @Override
    public List<Info> list() {
        return List.copyOf(snapshots);
    }

    @Override
    public void remove(String key) {
        removed.add(key);
        snapshots.removeIf(i -> i.key().equals(key));
    }

    @Override
    public List<Mount> prepare(String key, String parent) {
        throw new UnsupportedOperationException();
    }

    @Override
    public List<Mount> view(String key, String parent) {
        snapshots.add(new Info(key, parent, Info.Kind.VIEW, java.time.Instant.now(), java.util.Map.of()));
        return List.of(new Mount("bind", "/layers/" + parent, List.of("rbind", "ro")));
    }

    @Override
    public void commit(String name, String key) {
        throw new UnsupportedOperationException();
    }

    @Override
    public List<Mount> mounts(String key) {
        throw new UnsupportedOperationException();
    }

    @Override
    public Path upperDir(String key) {
        throw new UnsupportedOperationException();
    }

    @Override
    public List<Path> parentDirs(String key) {
        throw new UnsupportedOperationException();
    }

    @Override
    public Info stat(String key) {
        throw new UnsupportedOperationException();
    }

    @Override
    public Usage usage(String key) {
        throw new UnsupportedOperationException();
    }

    @Override
    public int cleanup() {
        throw new UnsupportedOperationException();
    }
}
