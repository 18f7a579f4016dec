package io.k1s0.fault.runner;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.istio.api.networking.v1.VirtualService;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.k1s0.fault.localmesh.LocalMesh;
import io.k1s0.fault.localmesh.MetricsEndpoint;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.StreamSupport;

/**
 * The k1s0 local mesh standing in for a cluster, with the runner's bundled topology and manifests/, reached by the
 * runner only through its kubeconfig (context {@code local-mesh}). {@link #start} runs it in the test JVM;
 * {@link #standalone} runs {@code fault-runner local-mesh} as its own child process, so a killed runner cannot
 * take the mesh with it.
 */
final class RunnerMesh implements AutoCloseable {

    static final String CONTEXT = "local-mesh";
    static final Path MANIFESTS = Path.of("..", "manifests");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final KubernetesClient client;
    private final Path kubeconfig;
    private final URI api;
    private final URI runnerProxy;
    private final URI runnerMetrics;
    private final Optional<ChildRunner> process;
    private final AutoCloseable owner;

    private RunnerMesh(KubernetesClient client, Path kubeconfig, URI api, URI runnerProxy, URI runnerMetrics,
                       Optional<ChildRunner> process, AutoCloseable owner) {
        this.client = client;
        this.kubeconfig = kubeconfig;
        this.api = api;
        this.runnerProxy = runnerProxy;
        this.runnerMetrics = runnerMetrics;
        this.process = process;
        this.owner = owner;
    }

    static RunnerMesh start(Path dir) {
        LocalMesh mesh = LocalMesh.builder().workloads(MeshTarget.bundledTopology()).start();
        try {
            MeshTarget.applyManifests(mesh.client(), MANIFESTS);
            URI metrics = mesh.metricsEndpoints().stream().filter(m -> m.workload().equals("fault-runner"))
                    .map(MetricsEndpoint::url).findFirst().orElseThrow();
            return new RunnerMesh(mesh.client(), mesh.writeKubeconfig(dir.resolve("kubeconfig")), mesh.apiUrl(),
                    mesh.proxyFor("fault-runner", "k1s0-service"), metrics, Optional.empty(), mesh);
        } catch (RuntimeException e) {
            mesh.close();
            throw e;
        }
    }

    /**
     * {@code fault-runner local-mesh} in a child JVM with the bundled topology and the manifests/ folders the local
     * environment applies; waits (bounded) for its endpoints file and reads proxies and metrics URLs from it.
     */
    static RunnerMesh standalone(Path dir, Duration startWithin) {
        Path workloads;
        try {
            workloads = MeshTarget.writeBundledTopology(dir.resolve("k1s0-local-topology.yaml"));
        } catch (IOException e) {
            throw new UncheckedIOException("could not write the bundled topology", e);
        }
        Path endpoints = dir.resolve("local-mesh-endpoints.json");
        Path kubeconfig = dir.resolve("local-mesh.kubeconfig");
        List<String> args = new ArrayList<>(List.of("local-mesh", "--workloads", workloads.toString(),
                "--endpoints-file", endpoints.toString(), "--kubeconfig", kubeconfig.toString()));
        MeshTarget.LOCAL_MANIFEST_FOLDERS.forEach(f -> args.addAll(List.of("--manifests", MANIFESTS.resolve(f).toString())));
        ChildRunner child = ChildRunner.start(Map.of(), args);
        try {
            child.awaitLine("the standalone local-mesh has written its endpoints", "Ctrl-C stops", startWithin);
            JsonNode doc = JSON.readTree(endpoints.toFile());
            JsonNode runner = StreamSupport.stream(doc.path("workloads").spliterator(), false)
                    .filter(w -> w.path("name").asText().equals("fault-runner") && w.path("namespace").asText().equals("k1s0-service"))
                    .findFirst().orElseThrow(() -> new AssertionError("no fault-runner workload in " + endpoints + ": " + doc));
            KubernetesClient client = new KubernetesClientBuilder().withConfig(Config.fromKubeconfig(Files.readString(kubeconfig))).build();
            return new RunnerMesh(client, kubeconfig, URI.create(doc.path("api").asText()), URI.create(runner.path("proxy").asText()),
                    URI.create(runner.path("metrics").get(0).path("url").asText()), Optional.of(child), () -> {
                        client.close();
                        child.close();
                    });
        } catch (IOException | RuntimeException e) {
            child.close();
            throw new IllegalStateException("the standalone local-mesh did not start; its output:\n" + child.output(), e);
        }
    }

    /** The child process of a {@link #standalone} mesh. */
    Optional<ChildRunner> process() {
        return process;
    }

    KubernetesClient client() {
        return client;
    }

    Path kubeconfig() {
        return kubeconfig;
    }

    URI api() {
        return api;
    }

    /** The options that point {@code run --environment cluster} at this mesh. */
    List<String> clusterOptions() {
        return List.of("--environment", "cluster", "--allow-context", CONTEXT, "--vantage-proxy", runnerProxy.toString(),
                "--metrics-endpoint", runnerMetrics.toString(), "--manifests", MANIFESTS.toString());
    }

    /** namespace/name → resourceVersion of every VirtualService: equal before and after means nothing was written. */
    Map<String, String> virtualServices() {
        Map<String, String> all = new TreeMap<>();
        client.resources(VirtualService.class).inAnyNamespace().list().getItems().forEach(vs ->
                all.put(vs.getMetadata().getNamespace() + "/" + vs.getMetadata().getName(),
                        vs.getMetadata().getResourceVersion()));
        return all;
    }

    /** The spec of one VirtualService as a JSON tree (deep-equal trees = the same routes, in the same order). */
    JsonNode virtualServiceSpec(String namespace, String name) {
        VirtualService vs = client.resources(VirtualService.class).inNamespace(namespace).withName(name).get();
        if (vs == null) {
            throw new AssertionError("no VirtualService " + namespace + "/" + name);
        }
        return JSON.valueToTree(vs.getSpec());
    }

    /** VirtualServices still carrying faults of {@code runId}. */
    List<String> markedBy(String runId) {
        return client.resources(VirtualService.class).inAnyNamespace()
                .withLabel("fault.k1s0.io/run-id", runId).list().getItems().stream()
                .map(vs -> vs.getMetadata().getNamespace() + "/" + vs.getMetadata().getName()).toList();
    }

    @Override
    public void close() {
        try {
            owner.close();
        } catch (Exception e) {
            throw new IllegalStateException("could not stop the local mesh", e);
        }
    }
}
