package jcri.runtime.cgroup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import jcri.api.v1.HugepageLimit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The hugetlb controller found (or not) on cgroup trees and mount tables laid out like a v1, hybrid or v2 host's. */
class HugetlbControllerTest {
    private static final String HYBRID = """
            31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755
            32 31 0:29 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu
            35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory
            41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw
            """;
    private static final List<HugepageLimit> LIMITS = List.of(HugepageLimit.newBuilder().setPageSize("2MB").setLimit(0).build(),
            HugepageLimit.newBuilder().setPageSize("1GB").setLimit(0).build());
    @TempDir
    Path root;

    @Test
    void limitsAreAppliedWhereTheControllerExistsAndDroppedWithOneWarningWhereNot() {
        var warnings = new ArrayList<String>();
        var handler = new Handler() {
            @Override
            public void publish(LogRecord record) {
                warnings.add(record.getMessage());
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        var logger = Logger.getLogger(HugetlbController.class.getName());
        logger.addHandler(handler);
        try {
            assertEquals(LIMITS, new HugetlbController(true).tolerated(LIMITS));
            assertEquals(List.of(), warnings);
            var absent = new HugetlbController(false);
            assertEquals(List.of(), absent.tolerated(LIMITS));
            assertEquals(List.of(), absent.tolerated(LIMITS));
            assertEquals(1, warnings.size(), "one warning per daemon: " + warnings);
        } finally {
            logger.removeHandler(handler);
        }
    }

    @Test
    void aV1HostHasItOnlyWithAHugetlbHierarchyMounted() throws Exception {
        assertFalse(HugetlbController.present(root, Files.writeString(root.resolve("mountinfo"), HYBRID)));
        assertFalse(HugetlbController.present(root, Files.writeString(root.resolve("mountinfo"),
                HYBRID + "50 31 0:40 / /mnt/hugetlb-named rw - tmpfs hugetlb rw\n")), "not a cgroup mount");
        assertTrue(HugetlbController.present(root, Files.writeString(root.resolve("mountinfo"),
                HYBRID + "42 31 0:39 / /sys/fs/cgroup/hugetlb rw,relatime - cgroup cgroup rw,hugetlb\n")));
        assertTrue(HugetlbController.present(root, Files.writeString(root.resolve("mountinfo"),
                HYBRID + "42 31 0:39 / /sys/fs/cgroup/misc rw,relatime - cgroup cgroup rw,pids,hugetlb\n")), "co-mounted");
    }

    @Test
    void aUnifiedHostHasItWhenItsRootListsIt() throws Exception {
        var mountinfo = Files.writeString(root.resolve("mountinfo"),
                "42 31 0:39 / /sys/fs/cgroup/hugetlb rw,relatime - cgroup cgroup rw,hugetlb\n");
        Files.writeString(root.resolve("cgroup.controllers"), "cpuset cpu io memory pids\n");
        assertFalse(HugetlbController.present(root, mountinfo), "the unified root decides, not stray v1 mounts");
        Files.writeString(root.resolve("cgroup.controllers"), "cpuset cpu io memory hugetlb pids\n");
        assertTrue(HugetlbController.present(root, mountinfo));
    }
}
