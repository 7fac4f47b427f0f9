package jcri.runtime.oci.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;

/**
 * {@code linux.resources}, also what {@code runc update} reads. {@code devices} (cgroup device rules) is null in an
 * update, {@code hugepageLimits} and {@code unified} when there are none; {@code cpu} and {@code memory} are always
 * written, empty when unset.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Resources(List<DeviceRule> devices, Cpu cpu, Memory memory, List<HugepageLimit> hugepageLimits,
                        Map<String, String> unified) {
    /** A cgroup device rule; null type and numbers match every device. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record DeviceRule(boolean allow, String type, Long major, Long minor, String access) {
    }

    /** CPU shares, CFS quota and period (µs), cpuset; null when unset. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Cpu(Long shares, Long quota, Long period, String cpus, String mems) {
    }

    /** Memory and memory+swap limits in bytes; null when unset. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Memory(Long limit, Long swap) {
    }

    /** A hugetlb limit in bytes for one page size ({@code 2MB}). */
    public record HugepageLimit(String pageSize, long limit) {
    }
}
