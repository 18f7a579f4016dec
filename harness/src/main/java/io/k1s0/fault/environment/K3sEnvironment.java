package io.k1s0.fault.environment;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.k1s0.fault.localmesh.WorkloadSpec;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.containers.BindMode;
import org.testcontainers.k3s.K3sContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * k3s in a Testcontainers container with real Istio 1.24 (official charts through k3s HelmChart resources),
 * Prometheus and the example workloads; needs Docker.
 *
 * <p>Requests leave the mesh from a relay pod per k1s0 namespace (see {@link RelayResources}), reached
 * through a port-forward; Prometheus is reached the same way. With reuse enabled (see {@link K3sSettings})
 * the container outlives the JVM and the next start only re-applies and re-checks the plan.
 */
public final class K3sEnvironment implements MeshEnvironment {

    private static final Logger LOG = LoggerFactory.getLogger(K3sEnvironment.class);

    private final K3sContainer container;
    private final boolean reuse;
    private final KubernetesClient client;
    private final Map<String, PortForward> relays;
    private final PortForward prometheus;

    private K3sEnvironment(K3sContainer container, boolean reuse, KubernetesClient client,
            Map<String, PortForward> relays, PortForward prometheus) {
        this.container = container;
        this.reuse = reuse;
        this.client = client;
        this.relays = relays;
        this.prometheus = prometheus;
    }

    /**
     * Starts (or, with reuse, finds) the container and brings the mesh up; takes minutes on a cold start.
     *
     * @param manifestsDirectory resources applied after the workloads (e.g. the design's {@code manifests/}), or
     *     empty to apply none
     * @param workloads the test topology (the same specs the local mesh starts from); empty for the example chain
     * @throws IllegalStateException when a step is not ready in time; the message lists what was not ready
     */
    public static K3sEnvironment start(Optional<Path> manifestsDirectory, List<WorkloadSpec> workloads) {
        K3sSettings settings = K3sSettings.resolve(System.getProperties(), System.getenv());
        MeshWorkloads mesh = MeshWorkloads.of(workloads);
        long started = System.nanoTime();
        K3sContainer container = new K3sContainer(DockerImageName.parse(PinnedImages.K3S));
        container.withCommand(K3sSettings.k3sCommand(container.getHost()).toArray(String[]::new));
        container.withReuse(settings.reuse());
        settings.imagesDirectory().ifPresent(images -> container.withFileSystemBind(images.toString(),
                K3sSettings.K3S_IMAGES_PATH, BindMode.READ_ONLY));
        container.start();
        LOG.info("k3s mesh: container {} up in {} ms (reuse {})", PinnedImages.K3S, millisSince(started),
                settings.reuse());
        KubernetesClient client = null;
        List<PortForward> opened = new ArrayList<>();
        try {
            client = new KubernetesClientBuilder()
                    .withConfig(Config.fromKubeconfig(container.getKubeConfigYaml())).build();
            new Installer(client, settings.stepTimeout(), settings.artifactsDirectory(), mesh.namespaces())
                    .run(InstallPlan.standard(client, manifestsDirectory, mesh));
            Map<String, PortForward> relays = new LinkedHashMap<>();
            for (String namespace : mesh.namespaces()) {
                String pod = readyRelayPod(client, namespace);
                PortForward relay = new PortForward(namespace + "/" + pod,
                        client.pods().inNamespace(namespace).withName(pod).portForward(RelayResources.PROXY_PORT));
                opened.add(relay);
                relays.put(namespace, relay);
            }
            PortForward prometheus = new PortForward(PrometheusResources.NAMESPACE + "/" + PrometheusResources.NAME,
                    client.services().inNamespace(PrometheusResources.NAMESPACE).withName(PrometheusResources.NAME)
                            .portForward(PrometheusResources.PORT));
            opened.add(prometheus);
            LOG.info("k3s mesh: ready in {} ms; Prometheus at {}", millisSince(started), prometheus.uri());
            return new K3sEnvironment(container, settings.reuse(), client, Map.copyOf(relays), prometheus);
        } catch (RuntimeException e) {
            opened.forEach(PortForward::close);
            if (client != null) {
                client.close();
            }
            if (!settings.reuse()) {
                container.stop();
            }
            throw e;
        }
    }

    @Override
    public String name() {
        return EnvironmentKind.K3S.id();
    }

    @Override
    public KubernetesClient client() {
        return client;
    }

    /**
     * The relay of {@code namespace}. Its sidecar is the caller, so faults, retries and metrics are those of a
     * client in that namespace; Istio reports it as {@code source_workload="fault-relay"},
     * {@code source_workload_namespace=namespace}, not as {@code workload} (VirtualService matches on
     * {@code sourceLabels} of a real workload do not select it).
     */
    @Override
    public Optional<URI> vantageProxy(String workload, String namespace) {
        return Optional.of(relayFor(relays, workload, namespace).uri());
    }

    /**
     * The relay Deployment's pod to forward to: Ready and not terminating (after a rollout on a reused cluster
     * the old pod may still be going away).
     *
     * @throws IllegalStateException naming the pods found when none is ready
     */
    static String readyRelayPod(KubernetesClient client, String namespace) {
        return readyRelayPod(namespace,
                client.pods().inNamespace(namespace).withLabels(RelayResources.SELECTOR).list().getItems());
    }

    static String readyRelayPod(String namespace, List<Pod> pods) {
        return pods.stream()
                .filter(pod -> pod.getMetadata().getDeletionTimestamp() == null && Readiness.isReady(pod))
                .map(pod -> pod.getMetadata().getName())
                .sorted()
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("no Ready " + RelayResources.NAME + " pod in namespace "
                        + namespace + "; pods there with app=" + RelayResources.NAME + ": "
                        + pods.stream().map(pod -> pod.getMetadata().getName() + " ("
                                + Readiness.describeConditions(pod) + ")").toList()));
    }

    static PortForward relayFor(Map<String, PortForward> relays, String workload, String namespace) {
        Objects.requireNonNull(workload, "workload");
        PortForward relay = relays.get(namespace);
        if (relay == null) {
            throw new IllegalArgumentException("namespace is '" + namespace + "' (workload '" + workload
                    + "'); the k3s environment has relays in " + relays.keySet());
        }
        return relay;
    }

    @Override
    public Optional<URI> prometheus() {
        return Optional.of(prometheus.uri());
    }

    /** Empty: Prometheus scrapes every sidecar here. */
    @Override
    public List<URI> sidecarMetricsEndpoints() {
        return List.of();
    }

    @Override
    public void close() {
        relays.values().forEach(PortForward::close);
        prometheus.close();
        client.close();
        if (reuse) {
            LOG.info("k3s mesh: container kept for reuse ({}); stop it with docker rm -f {}",
                    PinnedImages.K3S, container.getContainerId());
        } else {
            container.stop();
        }
    }

    private static long millisSince(long nanos) {
        return Duration.ofNanos(System.nanoTime() - nanos).toMillis();
    }
}
