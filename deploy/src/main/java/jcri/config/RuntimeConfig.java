package jcri.config;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How containers are run.
 *
 * @param defaultHandler the runtime handler used when a pod names none
 * @param handlers OCI runtimes by handler name
 * @param cgroupDriver {@code cgroupfs} or {@code systemd}
 * @param conmon path of the conmon binary
 * @param defaultStopTimeoutSeconds grace period of StopPodSandbox for each container
 * @param defaultCgroupParent the cgroup of pods that name no {@code cgroup_parent}: a path for
 *        cgroupfs, a slice for systemd; empty means {@code /jcri} or {@code jcri.slice}
 */
public record RuntimeConfig(
        String defaultHandler,
        Map<String, RuntimeHandler> handlers,
        String cgroupDriver,
        String conmon,
        Integer defaultStopTimeoutSeconds,
        String defaultCgroupParent) {

    public RuntimeConfig {
        defaultHandler = JcriConfig.nonEmpty(defaultHandler, "runc");
        var all = new LinkedHashMap<String, RuntimeHandler>();
        all.put("runc", new RuntimeHandler("/usr/sbin/runc", null));
        all.put("crun", new RuntimeHandler("/usr/bin/crun", null));
        if (handlers != null) {
            all.putAll(handlers);
        }
        handlers = Map.copyOf(all);
        if (!handlers.containsKey(defaultHandler)) {
            throw new IllegalArgumentException("default_handler '" + defaultHandler + "' is not one of the handlers " + handlers.keySet());
        }
        cgroupDriver = JcriConfig.nonEmpty(cgroupDriver, "cgroupfs");
        if (!cgroupDriver.equals("cgroupfs") && !cgroupDriver.equals("systemd")) {
            throw new IllegalArgumentException("cgroup_driver must be cgroupfs or systemd (got '" + cgroupDriver + "')");
        }
        conmon = JcriConfig.nonEmpty(conmon, "/usr/bin/conmon");
        defaultStopTimeoutSeconds = defaultStopTimeoutSeconds == null ? 10 : defaultStopTimeoutSeconds;
        defaultCgroupParent = JcriConfig.nonEmpty(defaultCgroupParent, cgroupDriver.equals("systemd") ? "jcri.slice" : "/jcri");
        if (cgroupDriver.equals("systemd") != defaultCgroupParent.endsWith(".slice")) {
            throw new IllegalArgumentException("default_cgroup_parent '" + defaultCgroupParent + "' does not suit cgroup_driver "
                    + cgroupDriver + " (systemd takes a slice name such as jcri.slice, cgroupfs a path such as /jcri)");
        }
        if (defaultStopTimeoutSeconds < 0) {
            throw new IllegalArgumentException("default_stop_timeout_seconds must be 0 or more");
        }
    }

    static RuntimeConfig defaults() {
        return new RuntimeConfig(null, null, null, null, null, null);
    }
}
