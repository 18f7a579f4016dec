package io.k1s0.fault.environment;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.net.URI;
import java.util.List;
import java.util.Optional;

/**
 * A running mesh the harness can install faults into, send traffic through and read metrics from.
 *
 * <p>One implementation per {@link EnvironmentKind}; the test code is the same for all of them.
 */
public interface MeshEnvironment extends AutoCloseable {

    /** {@code "local"}, {@code "k3s"} or {@code "cluster"}: the {@link EnvironmentKind#id()} of this environment. */
    String name();

    /** A client for this mesh's Kubernetes API; owned by the environment, closed by {@link #close()}. */
    KubernetesClient client();

    /**
     * The HTTP forward proxy through which a request leaves from inside the mesh as a caller in
     * {@code namespace} (absolute-URI requests, as {@code curl -x} sends them).
     *
     * @return the proxy, or empty when this JVM already runs inside the mesh (its own sidecar is the
     *     caller) and requests go directly to the service
     * @throws IllegalArgumentException when the environment has no vantage point for that workload/namespace
     */
    Optional<URI> vantageProxy(String workload, String namespace);

    /**
     * Returns once the mesh routes by {@code written} (objects as the API returned them from a create or update) and no
     * longer by {@code deleted}, so that traffic sent next meets them. The local mesh waits for its control plane; k3s
     * and an existing cluster return at once, as istiod pushes to the sidecars in its own time and this harness has no
     * view of that (a fault's own gate probes for it instead).
     *
     * @throws IllegalStateException when the environment can tell and the writes did not arrive in time
     */
    default void awaitConfigured(List<? extends HasMetadata> written, List<? extends HasMetadata> deleted) {
    }

    /** The Prometheus HTTP API base URI, when this environment has one. */
    Optional<URI> prometheus();

    /** Sidecar metrics endpoints to scrape directly (Prometheus text format); may be empty. */
    List<URI> sidecarMetricsEndpoints();

    /** Releases everything this environment opened; never throws a checked exception. */
    @Override
    void close();
}
