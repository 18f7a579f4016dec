package io.k1s0.fault.environment;

import io.k1s0.fault.localmesh.WorkloadSpec;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Supplier;

/** Starts the environment {@link EnvironmentKind#fromProperty()} names, so callers never branch on the kind. */
public final class MeshEnvironments {

    /** System property naming the manifests directory the {@code k3s} environment applies; default {@code ../manifests}. */
    public static final String K3S_MANIFESTS_PROPERTY = "mesh.k3s.manifests";

    private MeshEnvironments() {}

    /**
     * @param localWorkloads read only for {@code local}: the workloads of the embedded mesh
     */
    public static MeshEnvironment start(EnvironmentKind kind, Supplier<List<WorkloadSpec>> localWorkloads) {
        return switch (kind) {
            case LOCAL -> LocalEnvironment.start(localWorkloads.get());
            case K3S -> K3sEnvironment.start(Path.of(System.getProperty(K3S_MANIFESTS_PROPERTY, "../manifests")));
            case CLUSTER -> ClusterEnvironment.connect();
        };
    }
}
