package io.k1s0.fault.environment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ProxySelector;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.testcontainers.DockerClientFactory;

/**
 * The real thing: k3s, Istio 1.24 from the charts, Prometheus, the workloads and the relay. Needs Docker;
 * runs in {@code .github/workflows/e2e-k3s.yml} with {@code -Dmesh.environment=k3s}.
 */
class K3sEnvironmentIT {

    private static final String SERVICE = "http://order-server.k1s0-service.svc.cluster.local";
    private static K3sEnvironment environment;
    private static HttpClient relayed;

    /** Per test, so every skipped test carries the reason in the reports (a class-level skip shows none). */
    @BeforeEach
    void startMeshOnce() throws IOException {
        Assumptions.assumeTrue(DockerClientFactory.instance().isDockerAvailable(), "Docker is not available");
        Assumptions.assumeTrue(EnvironmentKind.fromProperty() == EnvironmentKind.K3S,
                "mesh.environment is not k3s (the k3s end-to-end run is opted into with -Dmesh.environment=k3s)");
        if (environment != null) {
            return;
        }
        // The example tests' topology, and manifests only when -Dmesh.k3s.manifests names them: with reuse, the
        // example tests run next on this cluster and must find only what their classes apply.
        environment = K3sEnvironment.start(MeshEnvironments.k3sManifests(System.getProperties()), DesignTopology.WORKLOADS);
        URI relay = environment.vantageProxy("order-bff", "k1s0-service").orElseThrow();
        assertThat(environment.vantageProxy("kong", "ingress")).as("a relay in the topology's ingress namespace").isPresent();
        relayed = HttpClient.newBuilder()
                .proxy(ProxySelector.of(new InetSocketAddress(relay.getHost(), relay.getPort())))
                .connectTimeout(Duration.ofSeconds(5))
                .build();
    }

    @AfterAll
    static void stopMesh() {
        if (environment != null) {
            environment.close();
        }
    }

    @Test
    void relayPassesUpstreamStatusAndHeadersBack() throws Exception {
        HttpResponse<String> response = get(SERVICE + "/echo?status=418&header=X-Upstream:order-server");
        assertThat(response.statusCode()).as("upstream status through relay and sidecars").isEqualTo(418);
        assertThat(response.headers().firstValue("x-upstream")).as("upstream header passed back")
                .contains("order-server");
    }

    @Test
    void fortioDelaysPastItsDefaultCapOfOneAndAHalfSeconds() throws Exception {
        long started = System.nanoTime();
        HttpResponse<String> response = get(SERVICE + "/echo?delay=2500ms");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).as("delay=2500ms honoured (-max-echo-delay)")
                .isGreaterThanOrEqualTo(Duration.ofMillis(2500));
    }

    @Test
    void workloadsRunWithNativeSidecars() {
        List<Pod> pods = environment.client().pods().inNamespace("k1s0-service").list().getItems();
        assertThat(pods).isNotEmpty().allSatisfy(pod -> assertThat(pod.getSpec().getInitContainers())
                .as("istio-proxy as a native sidecar in %s", pod.getMetadata().getName())
                .anyMatch(container -> "istio-proxy".equals(container.getName())));
    }

    @Test
    void virtualServiceAbortRunsOnTheRelaysSidecar() throws Exception {
        HasMetadata abort = environment.client().load(new ByteArrayInputStream("""
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata: {name: it-abort, namespace: k1s0-service}
                spec:
                  hosts: [accounting-server.k1s0-business.svc.cluster.local]
                  http:
                  - fault: {abort: {httpStatus: 503, percentage: {value: 100}}}
                    route:
                    - destination: {host: accounting-server.k1s0-business.svc.cluster.local}
                """.getBytes(StandardCharsets.UTF_8))).items().get(0);
        environment.client().resource(abort).create();
        try {
            await("abort from the VirtualService seen through the relay").atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofSeconds(1))
                    .until(() -> get("http://accounting-server.k1s0-business.svc.cluster.local/echo").statusCode() == 503);
            HttpResponse<String> response = get("http://accounting-server.k1s0-business.svc.cluster.local/echo");
            assertThat(response.body()).as("Envoy's local reply for an injected abort").contains("fault filter abort");
        } finally {
            environment.client().resource(abort).delete();
        }
    }

    @Test
    void prometheusSeesRelayTrafficAndTheIncludedEnvoyStats() throws Exception {
        for (int i = 0; i < 20; i++) {
            get(SERVICE + "/echo");
        }
        await("istio_requests_total from the relay in Prometheus").atMost(Duration.ofSeconds(90))
                .pollInterval(Duration.ofSeconds(2))
                .until(() -> !query("istio_requests_total{source_workload=\"fault-relay\",reporter=\"source\"}").isEmpty());
        await("retry stats exported by proxyStatsMatcher").atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofSeconds(2))
                .until(() -> !query("{__name__=~\"envoy_cluster_upstream_rq_retry.*\"}").isEmpty());
    }

    private static HttpResponse<String> get(String uri) throws IOException, InterruptedException {
        return relayed.send(HttpRequest.newBuilder(URI.create(uri)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static List<JsonNode> query(String promql) throws IOException, InterruptedException {
        URI uri = environment.prometheus().orElseThrow()
                .resolve("/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8));
        HttpResponse<String> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        JsonNode result = new ObjectMapper().readTree(response.body()).at("/data/result");
        return result.isArray() ? List.copyOf(iterable(result)) : List.of();
    }

    private static List<JsonNode> iterable(JsonNode array) {
        List<JsonNode> nodes = new java.util.ArrayList<>();
        array.forEach(nodes::add);
        return nodes;
    }
}
