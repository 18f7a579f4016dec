package io.k1s0.fault.environment;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.net.URI;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An existing cluster (the weekly staging CronJob): fabric8's auto-configuration picks kubeconfig
 * ({@code KUBECONFIG}, {@code ~/.kube/config}) or the in-cluster service account.
 *
 * <p>The runner pod has its own sidecar, so requests go directly: {@link #vantageProxy} is empty.
 * Prometheus comes from system property {@value ClusterSettings#PROMETHEUS_PROPERTY} or environment
 * variable {@value ClusterSettings#PROMETHEUS_ENV}.
 */
public final class ClusterEnvironment implements MeshEnvironment {

    private static final Logger LOG = LoggerFactory.getLogger(ClusterEnvironment.class);

    private final KubernetesClient client;
    private final ClusterSettings settings;

    ClusterEnvironment(KubernetesClient client, ClusterSettings settings) {
        this.client = Objects.requireNonNull(client, "client");
        this.settings = Objects.requireNonNull(settings, "settings");
    }

    /** Connects with fabric8's auto-configuration; bad Prometheus settings fail before any connection. */
    public static ClusterEnvironment connect() {
        ClusterSettings settings = ClusterSettings.resolve(System.getProperties(), System.getenv());
        KubernetesClient client = new KubernetesClientBuilder().build();
        LOG.info("cluster environment: API {}, Prometheus {}", client.getMasterUrl(),
                settings.prometheus().map(URI::toString).orElse("(none)"));
        return new ClusterEnvironment(client, settings);
    }

    @Override
    public String name() {
        return EnvironmentKind.CLUSTER.id();
    }

    @Override
    public KubernetesClient client() {
        return client;
    }

    /** Always empty: this JVM runs in a meshed pod, so its own sidecar is the caller. */
    @Override
    public Optional<URI> vantageProxy(String workload, String namespace) {
        Objects.requireNonNull(workload, "workload");
        Objects.requireNonNull(namespace, "namespace");
        return Optional.empty();
    }

    @Override
    public Optional<URI> prometheus() {
        return settings.prometheus();
    }

    @Override
    public List<URI> sidecarMetricsEndpoints() {
        return List.of();
    }

    @Override
    public void close() {
        client.close();
    }
}
