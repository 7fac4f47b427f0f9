package jcri.runtime.oci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import jcri.api.CriException;
import jcri.api.v1.HugepageLimit;
import jcri.api.v1.LinuxContainerResources;
import jcri.runtime.cgroup.HugetlbController;
import jcri.runtime.oci.spec.Resources;
import org.junit.jupiter.api.Test;

class ResourceSectionTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final LinuxContainerResources ALL = LinuxContainerResources.newBuilder().setCpuShares(256).setCpuQuota(-1)
            .setCpuPeriod(50_000).setCpusetCpus("0,2-3").setCpusetMems("0-1").setMemoryLimitInBytes(64L << 20)
            .setMemorySwapLimitInBytes(128L << 20).addHugepageLimits(HugepageLimit.newBuilder().setPageSize("2MB").setLimit(2L << 20))
            .putUnified("memory.high", "50000000").setOomScoreAdj(100).build();

    private final ResourceSection section = new ResourceSection(new HugetlbController(true), true);

    @Test
    void everySetValueIsMapped() {
        var r = section.of(ALL, null);
        assertEquals(new Resources.Cpu(256L, -1L, 50_000L, "0,2-3", "0-1"), r.cpu());
        assertEquals(new Resources.Memory(64L << 20, 128L << 20), r.memory());
        assertEquals(List.of(new Resources.HugepageLimit("2MB", 2L << 20)), r.hugepageLimits());
        assertEquals("50000000", r.unified().get("memory.high"));
    }

    @Test
    void unsetValuesAreLeftOutAndSwapNeedsAMemoryLimit() {
        var r = section.of(LinuxContainerResources.newBuilder().setMemorySwapLimitInBytes(1L << 30).build(), List.of());
        assertEquals(new Resources.Cpu(null, null, null, null, null), r.cpu());
        assertEquals(new Resources.Memory(null, null), r.memory());
        assertNull(r.hugepageLimits());
        assertNull(r.unified());
        assertEquals(List.of(), r.devices());
    }

    @Test
    void hugepageLimitsAreDroppedWithoutTheController() {
        assertNull(new ResourceSection(new HugetlbController(false), true).of(ALL, null).hugepageLimits());
    }

    @Test
    void unifiedResourcesAreRefusedOnACgroupV1Node() {
        assertThrows(CriException.class, () -> new ResourceSection(new HugetlbController(true), false).of(ALL, null));
        assertEquals(new Resources.Cpu(256L, -1L, 50_000L, "0,2-3", "0-1"), new ResourceSection(new HugetlbController(true), false)
                .of(ALL.toBuilder().clearUnified().build(), null).cpu());
    }

    /** What runc update reads: byte for byte the resources.json jcri wrote before the spec was typed. */
    @Test
    void theUpdateFileHasNoDeviceRules() throws Exception {
        var builder = new OciSpecBuilder(SpecFixture.CAPABILITIES, 0, SpecFixture.NODE);
        assertEquals("{\"cpu\":{\"shares\":256,\"quota\":-1,\"period\":50000,\"cpus\":\"0,2-3\",\"mems\":\"0-1\"},"
                + "\"memory\":{\"limit\":67108864,\"swap\":134217728},\"hugepageLimits\":[{\"pageSize\":\"2MB\",\"limit\":2097152}],"
                + "\"unified\":{\"memory.high\":\"50000000\"}}", JSON.writeValueAsString(builder.resources(ALL)));
        assertEquals("{\"cpu\":{},\"memory\":{}}", JSON.writeValueAsString(builder.resources(LinuxContainerResources.getDefaultInstance())));
    }
}
