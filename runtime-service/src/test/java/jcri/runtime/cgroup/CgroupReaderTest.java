package jcri.runtime.cgroup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The v1 and v2 file formats, on trees written by the test (this host's v2 mount has no
 * controllers, so v2 cannot be read live here; the layouts follow the kernel's cgroup docs).
 */
class CgroupReaderTest {
    @TempDir
    Path dir;

    private void write(String relative, String content) throws Exception {
        var file = dir.resolve(relative);
        Files.createDirectories(file.getParent());
        Files.writeString(file, content);
    }

    @Test
    void readsTheUnifiedHierarchy() throws Exception {
        write("proc/42/cgroup", "0::/kubepods/pod1/c1\n");
        write("cg/kubepods/pod1/c1/cpu.stat", "usage_usec 1500\nuser_usec 1000\nsystem_usec 500\n");
        write("cg/kubepods/pod1/c1/memory.current", "10485760\n");
        write("cg/kubepods/pod1/c1/memory.stat", "anon 4194304\nfile 6291456\ninactive_file 2097152\npgfault 77\npgmajfault 3\n");
        write("cg/kubepods/pod1/c1/memory.max", "67108864\n");
        write("cg/kubepods/pod1/c1/pids.current", "5\n");
        var stats = new CgroupReader(dir.resolve("cg"), dir.resolve("proc")).read(42).orElseThrow();
        assertEquals(new CgroupStats(1_500_000, 10485760, 8388608, 4194304, 77, 3, 67108864, 5), stats);
        write("cg/kubepods/pod1/c1/memory.max", "max\n");
        assertEquals(0, new CgroupReader(dir.resolve("cg"), dir.resolve("proc")).read(42).orElseThrow().memoryLimit());
    }

    @Test
    void readsV1ControllersOnAHybridHost() throws Exception {
        write("proc/7/cgroup", "9:pids:/jcri/c\n4:memory:/jcri/c\n2:cpuacct:/jcri/c\n1:cpu:/jcri/c\n0::/\n");
        write("cg/unified/.keep", "");
        write("cg/cpuacct/jcri/c/cpuacct.usage", "123456789\n");
        write("cg/memory/jcri/c/memory.usage_in_bytes", "2000000\n");
        write("cg/memory/jcri/c/memory.stat", "cache 100\nrss 999\nhierarchical_memory_limit 9223372036854771712\n"
                + "total_rss 1000000\ntotal_inactive_file 500000\ntotal_pgfault 10\ntotal_pgmajfault 1\n");
        write("cg/pids/jcri/c/pids.current", "2\n");
        var stats = new CgroupReader(dir.resolve("cg"), dir.resolve("proc")).read(7).orElseThrow();
        assertEquals(new CgroupStats(123456789, 2000000, 1500000, 1000000, 10, 1, 0, 2), stats);
    }

    @Test
    void heldFilesAreReReadFromTheStartAndFailOnceClosed() throws Exception {
        write("proc/8/cgroup", "4:memory:/jcri/d\n2:cpuacct:/jcri/d\n0::/\n");
        write("cg/cpuacct/jcri/d/cpuacct.usage", "100\n");
        write("cg/memory/jcri/d/memory.usage_in_bytes", "4096\n");
        write("cg/memory/jcri/d/memory.stat", "x".repeat(5000) + " 1\nhierarchical_memory_limit 1048576\n");
        var reader = new CgroupReader(dir.resolve("cg"), dir.resolve("proc"));
        var where = reader.locate(8).orElseThrow();
        try (var files = new HeldFiles()) {
            assertEquals(100, reader.read(where, files).orElseThrow().cpuNanos());
            assertEquals(1048576, reader.read(where, files).orElseThrow().memoryLimit(), "a file longer than the first buffer");
            try (var channel = java.nio.channels.FileChannel.open(dir.resolve("cg/cpuacct/jcri/d/cpuacct.usage"),
                    java.nio.file.StandardOpenOption.WRITE)) {
                channel.write(java.nio.ByteBuffer.wrap("250\n".getBytes()), 0); // same file, new content, as the kernel does
            }
            assertEquals(250, reader.read(where, files).orElseThrow().cpuNanos());
            files.close();
            assertTrue(reader.read(where, files).isEmpty(), "closed files give no stats");
        }
    }

    @Test
    void aVanishedProcessHasNoStats() {
        assertTrue(new CgroupReader(dir.resolve("cg"), dir.resolve("proc")).read(99).isEmpty());
    }
}
