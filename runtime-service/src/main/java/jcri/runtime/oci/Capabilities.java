package jcri.runtime.oci;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import jcri.api.CriException;

/**
 * Linux capability names, the default set a container gets, and jcrid's own bounding set — a
 * container never asks for a capability the daemon itself lacks (runc would fail to apply it).
 */
public final class Capabilities {
    private static final List<String> NAMES = List.of(
            "CHOWN", "DAC_OVERRIDE", "DAC_READ_SEARCH", "FOWNER", "FSETID", "KILL", "SETGID", "SETUID", "SETPCAP",
            "LINUX_IMMUTABLE", "NET_BIND_SERVICE", "NET_BROADCAST", "NET_ADMIN", "NET_RAW", "IPC_LOCK", "IPC_OWNER",
            "SYS_MODULE", "SYS_RAWIO", "SYS_CHROOT", "SYS_PTRACE", "SYS_PACCT", "SYS_ADMIN", "SYS_BOOT", "SYS_NICE",
            "SYS_RESOURCE", "SYS_TIME", "SYS_TTY_CONFIG", "MKNOD", "LEASE", "AUDIT_WRITE", "AUDIT_CONTROL", "SETFCAP",
            "MAC_OVERRIDE", "MAC_ADMIN", "SYSLOG", "WAKE_ALARM", "BLOCK_SUSPEND", "AUDIT_READ", "PERFMON", "BPF",
            "CHECKPOINT_RESTORE");
    /** What an unprivileged container gets, as in containerd and Docker. */
    public static final List<String> DEFAULTS = List.of("CHOWN", "DAC_OVERRIDE", "FSETID", "FOWNER", "MKNOD", "NET_RAW",
            "SETGID", "SETUID", "SETFCAP", "SETPCAP", "NET_BIND_SERVICE", "SYS_CHROOT", "KILL", "AUDIT_WRITE");

    private final List<String> bounding;

    public Capabilities(List<String> bounding) {
        this.bounding = List.copyOf(bounding);
    }

    /** Reads this process's bounding set from {@code /proc/self/status}. */
    public static Capabilities ofThisProcess() {
        try {
            for (var line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("CapBnd:")) {
                    long mask = Long.parseUnsignedLong(line.substring(7).strip(), 16);
                    var names = new ArrayList<String>();
                    for (int bit = 0; bit < NAMES.size(); bit++) {
                        if ((mask & (1L << bit)) != 0) {
                            names.add("CAP_" + NAMES.get(bit));
                        }
                    }
                    return new Capabilities(names);
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot read /proc/self/status", e);
        }
        throw new IllegalStateException("no CapBnd in /proc/self/status");
    }

    /** jcrid's bounding set, {@code CAP_} names. */
    public List<String> bounding() {
        return bounding;
    }

    /**
     * The container's capabilities: the defaults, then {@code add} and {@code drop} ({@code ALL}
     * allowed in both, drop applied after add as the kubelet expects), intersected with the bounding set.
     */
    public List<String> effective(List<String> add, List<String> drop) {
        var set = new LinkedHashSet<String>();
        DEFAULTS.forEach(c -> set.add("CAP_" + c));
        for (var c : add) {
            if (normalise(c).equals("CAP_ALL")) {
                set.addAll(bounding);
            } else {
                set.add(normalise(c));
            }
        }
        for (var c : drop) {
            if (normalise(c).equals("CAP_ALL")) {
                set.clear();
                add.stream().map(Capabilities::normalise).filter(a -> !a.equals("CAP_ALL")).forEach(set::add);
            } else {
                set.remove(normalise(c));
            }
        }
        set.retainAll(bounding);
        return List.copyOf(set);
    }

    static String normalise(String name) {
        var upper = name.toUpperCase(Locale.ROOT);
        var full = upper.startsWith("CAP_") ? upper : "CAP_" + upper;
        if (!full.equals("CAP_ALL") && !NAMES.contains(full.substring(4))) {
            throw CriException.invalid("unknown capability '%s'", name);
        }
        return full;
    }
}
