package jcri.runtime.container;

import jcri.api.CriException;
import jcri.api.v1.ContainerConfig;
import jcri.runtime.sandbox.MetadataBounds;
import jcri.runtime.sandbox.PodRuntime;

/** The checks a CreateContainer request passes before anything is made for it. */
final class ContainerRequest {
    private ContainerRequest() {
    }

    /** INVALID_ARGUMENT unless {@code config} names the container, stays within the bounds and logs inside the pod's log dir. */
    static void check(PodRuntime pod, ContainerConfig config) {
        if (config.getMetadata().getName().isEmpty()) {
            throw CriException.invalid("container metadata needs a name");
        }
        ProcessBounds.check(config);
        MetadataBounds.check("container labels", config.getLabelsMap());
        MetadataBounds.check("container annotations", config.getAnnotationsMap());
        ContainerPlacement.checkLogPath(pod, config);
    }
}
