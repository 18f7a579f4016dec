package io.k1s0.fault.environment;

import io.k1s0.fault.localmesh.WorkloadSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.function.Supplier;

/** Starts the environment {@link EnvironmentKind#fromProperty()} names, so callers never branch on the kind. */
public final class MeshEnvironments {

    /**
     * System property naming a directory of resources the {@code k3s} environment applies after the workloads;
     * unset: none. Test classes apply their own {@code @MeshResource}s and delete them after the class, so
     * copies applied up front would be deleted by the first class that applies the same name, and the classes
     * after it would see another mesh than the classes before it.
     */
    public static final String K3S_MANIFESTS_PROPERTY = "mesh.k3s.manifests";

    private MeshEnvironments() {}

    /**
     * @param workloads the test topology: required for {@code local}; for {@code k3s} the Fortio Deployments to
     *     run (empty: the example chain); not read for {@code cluster}
     */
    public static MeshEnvironment start(EnvironmentKind kind, Supplier<List<WorkloadSpec>> workloads) {
        return switch (kind) {
            case LOCAL -> LocalEnvironment.start(workloads.get());
            case K3S -> K3sEnvironment.start(k3sManifests(System.getProperties()), workloads.get());
            case CLUSTER -> ClusterEnvironment.connect();
        };
    }

    /** @throws IllegalArgumentException when the property names something that is not a directory */
    static Optional<Path> k3sManifests(Properties properties) {
        String value = properties.getProperty(K3S_MANIFESTS_PROPERTY);
        if (value == null || value.isBlank()) {
            return Optional.empty();
        }
        Path directory = Path.of(value.trim());
        if (!Files.isDirectory(directory)) {
            throw new IllegalArgumentException(K3S_MANIFESTS_PROPERTY + " is '" + value + "' (" + directory.toAbsolutePath()
                    + "), which is not a directory; allowed: a directory of Kubernetes YAML files, or unset for none");
        }
        return Optional.of(directory);
    }
}
