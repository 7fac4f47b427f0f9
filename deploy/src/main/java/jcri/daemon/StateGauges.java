package jcri.daemon;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import jcri.runtime.container.ContainerManager;
import jcri.runtime.container.ContainerState;
import jcri.runtime.sandbox.SandboxManager;

/** Gauges of how many containers ({@code container_runtime_jcri_containers{state}}) and pods ({@code container_runtime_jcri_pod_sandboxes{state}}) are in each state. */
final class StateGauges {
    private StateGauges() {
    }

    static void register(MeterRegistry registry, ContainerManager containers, SandboxManager sandboxes) {
        for (var state : ContainerState.values()) {
            Gauge.builder("container_runtime_jcri_containers", containers, c -> c.list().stream().filter(r -> r.state() == state).count())
                    .description("Containers by state").tag("state", state.name().toLowerCase()).register(registry);
        }
        for (boolean ready : List.of(true, false)) {
            Gauge.builder("container_runtime_jcri_pod_sandboxes", sandboxes, s -> s.list().stream().filter(r -> r.ready() == ready).count())
                    .description("Pod sandboxes by state").tag("state", ready ? "ready" : "notready").register(registry);
        }
    }
}
