package io.k1s0.fault.runner;

import io.fabric8.istio.api.networking.v1.VirtualService;
import io.k1s0.fault.localmesh.LocalMesh;
import io.k1s0.fault.localmesh.MetricsEndpoint;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The k1s0 local mesh standing in for a cluster: started in the test JVM with the runner's bundled topology and
 * manifests/, reached by the runner only through its kubeconfig (context {@code local-mesh}), as a standalone
 * {@code fault-runner local-mesh} would be.
 */
final class RunnerMesh implements AutoCloseable {

    static final String CONTEXT = "local-mesh";
    static final Path MANIFESTS = Path.of("..", "manifests");

    private final LocalMesh mesh;
    private final Path kubeconfig;

    private RunnerMesh(LocalMesh mesh, Path kubeconfig) {
        this.mesh = mesh;
        this.kubeconfig = kubeconfig;
    }

    static RunnerMesh start(Path dir) {
        LocalMesh mesh = LocalMesh.builder().workloads(MeshTarget.bundledTopology()).start();
        try {
            MeshTarget.applyManifests(mesh.client(), MANIFESTS);
            return new RunnerMesh(mesh, mesh.writeKubeconfig(dir.resolve("kubeconfig")));
        } catch (RuntimeException e) {
            mesh.close();
            throw e;
        }
    }

    LocalMesh mesh() {
        return mesh;
    }

    Path kubeconfig() {
        return kubeconfig;
    }

    URI runnerProxy() {
        return mesh.proxyFor("fault-runner", "k1s0-service");
    }

    URI runnerMetrics() {
        return mesh.metricsEndpoints().stream().filter(m -> m.workload().equals("fault-runner"))
                .map(MetricsEndpoint::url).findFirst().orElseThrow();
    }

    /** The options that point {@code run --environment cluster} at this mesh. */
    List<String> clusterOptions() {
        return List.of("--environment", "cluster", "--allow-context", CONTEXT, "--vantage-proxy", runnerProxy().toString(),
                "--metrics-endpoint", runnerMetrics().toString(), "--manifests", MANIFESTS.toString());
    }

    /** namespace/name → resourceVersion of every VirtualService: equal before and after means nothing was written. */
    Map<String, String> virtualServices() {
        Map<String, String> all = new TreeMap<>();
        mesh.client().resources(VirtualService.class).inAnyNamespace().list().getItems().forEach(vs ->
                all.put(vs.getMetadata().getNamespace() + "/" + vs.getMetadata().getName(),
                        vs.getMetadata().getResourceVersion()));
        return all;
    }

    /** VirtualServices still carrying faults of {@code runId}. */
    List<String> markedBy(String runId) {
        return mesh.client().resources(VirtualService.class).inAnyNamespace()
                .withLabel("fault.k1s0.io/run-id", runId).list().getItems().stream()
                .map(vs -> vs.getMetadata().getNamespace() + "/" + vs.getMetadata().getName()).toList();
    }

    @Override
    public void close() {
        mesh.close();
    }
}
