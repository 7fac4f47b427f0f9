package jcri.critest.kubelet;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The host's kernel settings a kubelet sets when it starts (as every node's does: overcommit, panic on oops, key
 * quotas), saved before a spec starts one and put back after, so the suite leaves a shared host as it found it.
 */
public record KernelTunables(Map<Path, String> values) {
    private static final List<String> KUBELET_SETS = List.of("vm/overcommit_memory", "vm/panic_on_oom", "kernel/panic",
            "kernel/panic_on_oops", "kernel/keys/root_maxkeys", "kernel/keys/root_maxbytes");

    /** Their values now. */
    public static KernelTunables save() throws IOException {
        var values = new LinkedHashMap<Path, String>();
        for (var name : KUBELET_SETS) {
            var file = Path.of("/proc/sys", name);
            // readAllLines, not readString: procfs reports a size of 0
            values.put(file, Files.readAllLines(file).getFirst().strip());
        }
        return new KernelTunables(values);
    }

    /** Writes the saved values back. */
    public void restore() throws IOException {
        for (var value : values.entrySet()) {
            Files.writeString(value.getKey(), value.getValue());
        }
    }
}
