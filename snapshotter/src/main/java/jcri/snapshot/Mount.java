package jcri.snapshot;

import java.util.List;

/** One mount(2) call: {@code type} ("overlay" or "bind"), {@code source} and fstab-style options. */
public record Mount(String type, String source, List<String> options) {
    public Mount {
        options = List.copyOf(options);
    }
}
