package io.k1s0.fault.localmesh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalMeshTest {
    private static final String NS = "k1s0-service";

    private static LocalMesh.Builder twoWorkloads(Path fileSd) {
        return TestMeshes.withForwardingDataPlane(LocalMesh.builder())
                .workload(WorkloadSpec.of("order-client", NS))
                .workload(new WorkloadSpec("order-server", NS, Map.of("version", "v1"), "order-server", 8080, 2, ""))
                .workload(new WorkloadSpec("order-server-bad", NS, Map.of("app", "order-server", "version", "v2"), "order-server", 8080, 1, "status=503:100"))
                .fileSdPath(fileSd);
    }

    @Test
    void workloadsExistAsReadyPodsAndServicesInTheApi(@TempDir Path dir) {
        try (LocalMesh mesh = twoWorkloads(dir.resolve("sd.json")).start()) {
            List<Pod> pods = mesh.client().pods().inNamespace(NS).withLabel("app", "order-server").list().getItems();
            assertThat(pods).extracting(p -> p.getMetadata().getName()).as("order-server pods")
                    .containsExactlyInAnyOrder("order-server-0", "order-server-1", "order-server-bad-0");
            assertThat(pods).allSatisfy(p -> {
                assertThat(p.getStatus().getPhase()).isEqualTo("Running");
                assertThat(p.getStatus().getPodIP()).isEqualTo("127.0.0.1");
                assertThat(p.getStatus().getConditions()).as("Ready condition")
                        .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
                assertThat(p.getMetadata().getAnnotations()).as("where its sidecar listens")
                        .containsKey(WorkloadResources.INBOUND_PORT);
            });
            var svc = mesh.client().services().inNamespace(NS).withName("order-server").get();
            assertThat(svc.getSpec().getSelector()).containsEntry("app", "order-server");
            assertThat(svc.getSpec().getPorts().get(0).getPort()).isEqualTo(8080);
            assertThat(mesh.meshConfig().service(NS, "order-server").orElseThrow().endpoints())
                    .as("a shared Service selects the good and the bad replicas").hasSize(3);
        }
    }

    @Test
    void fileSdListsEverySidecarMetricsEndpointWithItsLabels(@TempDir Path dir) throws IOException {
        Path sd = dir.resolve("targets/sd.json");
        try (LocalMesh mesh = twoWorkloads(sd).start()) {
            assertThat(mesh.fileSdPath()).isEqualTo(sd);
            JsonNode groups = new ObjectMapper().readTree(sd.toFile());
            assertThat(groups).as("one target group per sidecar").hasSize(4);
            for (MetricsEndpoint e : mesh.metricsEndpoints()) {
                JsonNode group = java.util.stream.StreamSupport.stream(groups.spliterator(), false)
                        .filter(g -> g.get("labels").get("pod").asText().equals(e.pod())).findFirst().orElseThrow();
                assertThat(group.get("targets").get(0).asText()).isEqualTo("127.0.0.1:" + e.url().getPort());
                assertThat(group.get("labels").get("namespace").asText()).isEqualTo(NS);
                assertThat(group.get("labels").get("workload").asText()).isEqualTo(e.workload());
                assertThat(group.get("labels").get("__metrics_path__").asText()).isEqualTo("/stats/prometheus");
            }
        }
    }

    @Test
    void theKubeconfigWorksWithAFreshFabric8Client(@TempDir Path dir) throws IOException {
        try (LocalMesh mesh = twoWorkloads(dir.resolve("sd.json")).start()) {
            Path kubeconfig = mesh.writeKubeconfig(dir.resolve("kubeconfig"));
            Config config = Config.fromKubeconfig(Files.readString(kubeconfig));
            try (KubernetesClient fresh = new KubernetesClientBuilder().withConfig(config).build()) {
                assertThat(fresh.pods().inNamespace(NS).list().getItems()).as("pods seen through the kubeconfig").hasSize(4);
                assertThat(fresh.apiextensions().v1().customResourceDefinitions().withName("virtualservices.networking.istio.io").get()).isNotNull();
            }
        }
    }

    @Test
    void proxiesAreListedPerReplicaAndAnUnknownWorkloadIsAClearError(@TempDir Path dir) {
        try (LocalMesh mesh = twoWorkloads(dir.resolve("sd.json")).start()) {
            assertThat(mesh.proxiesFor("order-server", NS)).hasSize(2);
            assertThat(mesh.proxyFor("order-client", NS).getHost()).isEqualTo("127.0.0.1");
            assertThatThrownBy(() -> mesh.proxyFor("nope", NS)).hasMessageContaining("no workload k1s0-service/nope")
                    .hasMessageContaining("k1s0-service/order-client");
        }
    }

    @Test
    void onLinuxTheEventLoopsRunOnNettysNativeEpollTransport(@TempDir Path dir) {
        String os = System.getProperty("os.name");
        String arch = System.getProperty("os.arch");
        assumeTrue(os.startsWith("Linux") && List.of("amd64", "x86_64", "aarch64").contains(arch),
                "the harness ships Netty's epoll transport for Linux x86_64 and aarch64 only; this JVM is " + os + " " + arch);
        try (LocalMesh mesh = twoWorkloads(dir.resolve("sd.json")).start()) {
            assertThat(mesh.onNativeTransport()).as("the local mesh's Vert.x runs on epoll (is netty-transport-native-epoll for "
                    + arch + " on the classpath?)").isTrue();
        }
    }

    @Test
    void closingStopsEveryListener(@TempDir Path dir) {
        URI proxy;
        URI metrics;
        try (LocalMesh mesh = twoWorkloads(dir.resolve("sd.json")).start()) {
            proxy = mesh.proxyFor("order-client", NS);
            metrics = mesh.metricsEndpoints().get(0).url();
        }
        assertThatThrownBy(() -> new Socket(proxy.getHost(), proxy.getPort()).close()).as("proxy closed").isInstanceOf(IOException.class);
        assertThatThrownBy(() -> new Socket(metrics.getHost(), metrics.getPort()).close()).as("metrics closed").isInstanceOf(IOException.class);
    }

    @Test
    void badWorkloadDeclarationsAreRejectedNamingTheField() {
        assertThatThrownBy(() -> WorkloadSpec.of("Order_Server", NS)).hasMessageContaining("name 'Order_Server' is not a DNS-1123 label");
        assertThatThrownBy(() -> WorkloadSpec.of("a", NS).withReplicas(0)).hasMessageContaining("replicas 0 is outside 1..100");
        assertThatThrownBy(() -> WorkloadSpec.of("a", NS).withService("a", 70000)).hasMessageContaining("servicePort 70000 is outside 1..65535");
        assertThatThrownBy(() -> WorkloadSpec.of("a", NS).withDefaultEcho("status=abc")).hasMessageContaining("defaultEcho 'status=abc' is invalid");
        assertThatThrownBy(() -> LocalMesh.builder().workload(WorkloadSpec.of("a", NS)).workload(WorkloadSpec.of("a", NS)).start())
                .hasMessageContaining("declared twice");
        assertThatThrownBy(() -> LocalMesh.builder()
                        .workload(WorkloadSpec.of("a", NS).withService("shared", 80))
                        .workload(WorkloadSpec.of("b", NS).withService("shared", 81)).start())
                .hasMessageContaining("share Service k1s0-service/shared").hasMessageContaining("80 vs 81");
    }
}
