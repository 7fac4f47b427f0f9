package jcri.runtime.cgroup;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Logger;
import jcri.api.v1.HugepageLimit;

/**
 * Whether this host has the hugetlb cgroup controller. The kubelet sends a hugepage limit for every page size the
 * kernel offers, even where the controller is missing; as containerd ({@code tolerate_missing_hugetlb_controller})
 * and CRI-O, such limits are then dropped, with one warning (the first time), instead of failing every container.
 */
public final class HugetlbController {
    private static final Logger LOG = Logger.getLogger(HugetlbController.class.getName());
    private final boolean present;
    private final AtomicBoolean warned = new AtomicBoolean();

    /** The controller where it is {@code present}, its absence where not. */
    public HugetlbController(boolean present) {
        this.present = present;
    }

    /** This host's. */
    public static HugetlbController ofThisHost() {
        return new HugetlbController(present(Path.of("/sys/fs/cgroup"), Path.of("/proc/self/mountinfo")));
    }

    /** {@code limits} if the controller is present, else none, warning the first time. */
    public List<HugepageLimit> tolerated(List<HugepageLimit> limits) {
        if (present || limits.isEmpty()) {
            return limits;
        }
        if (warned.compareAndSet(false, true)) {
            LOG.warning("this host has no hugetlb cgroup controller: hugepage limits are ignored (first seen: " + limits.size()
                    + " limits, page sizes " + limits.stream().map(HugepageLimit::getPageSize).toList() + ")");
        }
        return List.of();
    }

    /**
     * True if a unified host ({@code cgroupRoot/cgroup.controllers} exists) lists hugetlb in its root's controllers,
     * or, on a v1 or hybrid host, a v1 hierarchy with the hugetlb controller is mounted (per {@code mountinfo}).
     */
    static boolean present(Path cgroupRoot, Path mountinfo) {
        try {
            var unified = cgroupRoot.resolve("cgroup.controllers");
            if (Files.exists(unified)) {
                return Arrays.asList(Files.readString(unified).strip().split("\\s+")).contains("hugetlb");
            }
            return Files.readAllLines(mountinfo).stream().anyMatch(HugetlbController::hugetlbHierarchy);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A mountinfo line of a cgroup v1 mount whose super options name the hugetlb controller. */
    private static boolean hugetlbHierarchy(String line) {
        var fields = line.split(" - ", 2);
        if (fields.length < 2) {
            return false;
        }
        var after = fields[1].split(" ");
        return after.length >= 3 && after[0].equals("cgroup") && Arrays.asList(after[2].split(",")).contains("hugetlb");
    }
}
