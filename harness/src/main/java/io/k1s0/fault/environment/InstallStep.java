package io.k1s0.fault.environment;

import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.List;
import java.util.Objects;

/** One stage of bringing the mesh up: resources to apply, then what to wait for before the next stage. */
record InstallStep(String name, List<HasMetadata> resources, Readiness readiness) {

    InstallStep {
        Objects.requireNonNull(name, "name");
        resources = List.copyOf(resources);
        Objects.requireNonNull(readiness, "readiness");
    }

    /** A step that only applies: ready as soon as its resources are accepted. */
    static Readiness nothingToWaitFor() {
        return new Readiness("nothing", client -> List.of());
    }
}
