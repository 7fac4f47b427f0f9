package jcri.runtime.cdi;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.TreeMap;
import jcri.api.v1.ContainerConfig;

/**
 * The CDI devices a container asks for, as the kubelet's device plugins and DRA send them: {@code CDI_devices}, then
 * the comma-separated names of every {@code cdi.k8s.io/*} annotation (in key order), each once.
 */
public final class RequestedDevices {
    /** The annotation prefix the CDI library and the kubelet use. */
    private static final String ANNOTATION_PREFIX = "cdi.k8s.io/";

    private RequestedDevices() {
    }

    public static List<String> of(ContainerConfig c) {
        var names = new LinkedHashSet<String>();
        c.getCDIDevicesList().forEach(d -> names.add(d.getName()));
        new TreeMap<>(c.getAnnotationsMap()).forEach((key, value) -> {
            if (key.startsWith(ANNOTATION_PREFIX)) {
                for (var name : value.split(",", -1)) {
                    names.add(name.strip());
                }
            }
        });
        return List.copyOf(names);
    }
}
