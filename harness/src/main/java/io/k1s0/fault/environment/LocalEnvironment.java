package io.k1s0.fault.environment;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.k1s0.fault.localmesh.LocalMesh;
import io.k1s0.fault.localmesh.MetricsEndpoint;
import io.k1s0.fault.localmesh.WorkloadSpec;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The embedded mesh in this JVM ({@link LocalMesh}): an embedded Kubernetes API, a control plane and one sidecar
 * per workload replica. Requests leave from a workload through its sidecar's outbound listener; metrics are
 * scraped from the sidecars directly (no Prometheus).
 */
public final class LocalEnvironment implements MeshEnvironment {

    private static final int CONFIG_DEADLINE_SECONDS = 10;

    private final LocalMesh mesh;

    private LocalEnvironment(LocalMesh mesh) {
        this.mesh = mesh;
    }

    /**
     * Starts the embedded mesh with {@code workloads}; returns when every sidecar is ready.
     *
     * @throws IllegalArgumentException when the workloads are inconsistent (the message names the workload)
     */
    public static LocalEnvironment start(List<WorkloadSpec> workloads) {
        if (workloads == null || workloads.isEmpty()) {
            throw new IllegalArgumentException("workloads is " + workloads + "; allowed: one or more workloads");
        }
        return new LocalEnvironment(LocalMesh.builder().workloads(workloads).start());
    }

    /** Wraps a mesh someone else started; {@link #close()} closes it. */
    public static LocalEnvironment of(LocalMesh mesh) {
        return new LocalEnvironment(Objects.requireNonNull(mesh, "mesh"));
    }

    @Override
    public String name() {
        return EnvironmentKind.LOCAL.id();
    }

    @Override
    public KubernetesClient client() {
        return mesh.client();
    }

    /** The outbound listener of the workload's first replica's sidecar. */
    @Override
    public Optional<URI> vantageProxy(String workload, String namespace) {
        return Optional.of(mesh.proxyFor(workload, namespace));
    }

    /** Waits for the local control plane, up to {@value #CONFIG_DEADLINE_SECONDS} s (it takes milliseconds). */
    @Override
    public void awaitConfigured(List<? extends HasMetadata> written, List<? extends HasMetadata> deleted) {
        mesh.awaitConfigured(written, deleted, Duration.ofSeconds(CONFIG_DEADLINE_SECONDS));
    }

    @Override
    public Optional<URI> prometheus() {
        return Optional.empty();
    }

    @Override
    public List<URI> sidecarMetricsEndpoints() {
        return mesh.metricsEndpoints().stream().map(MetricsEndpoint::url).toList();
    }

    /** The workloads as declared. */
    public List<WorkloadSpec> workloads() {
        return mesh.workloads();
    }

    @Override
    public void close() {
        mesh.close();
    }
}
