package io.k1s0.fault.localmesh;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DiscoveryDispatcherTest {
    private static final ResourceDefinitionContext VS = new ResourceDefinitionContext.Builder()
            .withGroup("networking.istio.io").withVersion("v1").withPlural("virtualservices").withKind("VirtualService").withNamespaced(true).build();
    private static EmbeddedApiServer api;

    @BeforeAll
    static void start() {
        api = EmbeddedApiServer.start();
    }

    @AfterAll
    static void stop() {
        api.close();
    }

    private static HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(api.url().resolve(path)).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode json(String path) throws IOException, InterruptedException {
        HttpResponse<String> r = get(path);
        assertThat(r.statusCode()).as("GET %s", path).isEqualTo(200);
        return new ObjectMapper().readTree(r.body());
    }

    @Test
    void servesTheCoreAndIstioDiscoveryDocumentsKubectlReadsFirst() throws Exception {
        assertThat(json("/api").get("versions").toString()).as("/api").contains("v1");
        assertThat(json("/api/v1").get("resources")).extracting(r -> r.get("name").asText()).as("core resources")
                .contains("pods", "services", "events", "namespaces");
        JsonNode groups = json("/apis").get("groups");
        JsonNode networking = java.util.stream.StreamSupport.stream(groups.spliterator(), false)
                .filter(g -> g.get("name").asText().equals("networking.istio.io")).findFirst().orElseThrow();
        assertThat(networking.get("versions")).extracting(v -> v.get("version").asText()).as("served networking versions")
                .containsExactlyInAnyOrder("v1", "v1beta1", "v1alpha3");
        assertThat(networking.get("preferredVersion").get("version").asText()).as("preferred version, as Istio 1.24").isEqualTo("v1");
        for (String version : List.of("v1", "v1beta1", "v1alpha3")) {
            assertThat(json("/apis/networking.istio.io/" + version).get("resources")).extracting(r -> r.get("name").asText())
                    .as("networking.istio.io/%s resources", version).contains("virtualservices", "destinationrules");
        }
        assertThat(json("/apis/security.istio.io/v1").get("resources").get(0).get("shortNames").toString()).contains("pa");
        assertThat(json("/version").get("major").asText()).isEqualTo("1");
    }

    @Test
    void everyDiscoveryDocumentIsOnAPathTheDispatcherAnswersAndNoResourcePathIs() {
        // The documents are built at the first discovery request, which the path test decides.
        assertThat(DiscoveryDispatcher.buildDocuments().keySet()).as("paths of the discovery documents")
                .isNotEmpty().allMatch(DiscoveryDispatcher::isDiscoveryPath);
        assertThat(List.of("/api/v1/pods", "/api/v1/namespaces/k1s0-service/pods", "/apis/networking.istio.io/v1/virtualservices",
                "/apis/networking.istio.io/v1/namespaces/k1s0-service/virtualservices/order-server", "/apis/networking.istio.io/v1/",
                "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", "/healthz"))
                .as("resource paths, which go to the CRUD dispatcher").noneMatch(DiscoveryDispatcher::isDiscoveryPath);
    }

    @Test
    void openApiIsANotFoundThatNamesTheKubectlFlag() throws Exception {
        HttpResponse<String> r = get("/openapi/v2");
        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(r.body()).contains("--validate=false");
    }

    @Test
    void aMergePatchReplacesListsAsRfc7386Says() {
        GenericKubernetesResource vs = api.client().genericKubernetesResources(VS).inNamespace("merge")
                .resource(new io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder().withApiVersion("networking.istio.io/v1")
                        .withKind("VirtualService").withNewMetadata().withName("orders").withNamespace("merge").endMetadata()
                        .addToAdditionalProperties("spec", Map.of("hosts", List.of("orders"), "gateways", List.of("mesh"),
                                "http", List.of(Map.of("name", "a"), Map.of("name", "b")))).build())
                .create();
        GenericKubernetesResource patched = api.client().genericKubernetesResources(VS).inNamespace("merge").withName("orders")
                .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"spec\":{\"http\":[{\"name\":\"c\"}],\"gateways\":null}}");
        @SuppressWarnings("unchecked")
        Map<String, Object> spec = (Map<String, Object>) patched.getAdditionalProperties().get("spec");
        assertThat(spec.get("http")).as("routes after the merge patch: replaced, not appended").isEqualTo(List.of(Map.of("name", "c")));
        assertThat(spec).as("null deletes a field").doesNotContainKey("gateways").containsEntry("hosts", List.of("orders"));
        assertThat(vs.getMetadata().getResourceVersion()).isNotEqualTo(patched.getMetadata().getResourceVersion());
    }

    @Test
    void aStrategicMergePatchMergesKeyedListsAndLabels() {
        api.client().services().inNamespace("smp").resource(new ServiceBuilder().withNewMetadata().withName("orders").withNamespace("smp")
                .addToLabels("tier", "service").endMetadata().withNewSpec().addNewPort().withName("http").withPort(80).endPort()
                .addNewPort().withName("admin").withPort(15000).endPort().endSpec().build()).create();
        var patched = api.client().services().inNamespace("smp").withName("orders").patch(PatchContext.of(PatchType.STRATEGIC_MERGE),
                "{\"metadata\":{\"labels\":{\"tier\":\"edited\"}},\"spec\":{\"$setElementOrder/ports\":[{\"port\":80},{\"port\":15000}],"
                        + "\"ports\":[{\"port\":80,\"name\":\"web\"},{\"port\":15000,\"$patch\":\"delete\"}]}}");
        assertThat(patched.getMetadata().getLabels()).containsEntry("tier", "edited");
        assertThat(patched.getSpec().getPorts()).as("ports merged by key 'port'; the deleted one removed")
                .extracting(p -> p.getName() + ":" + p.getPort()).containsExactly("web:80");
    }

    @Test
    void kubectlGetsAppliesAndDeletesVirtualServicesAgainstTheEmbeddedApi(@TempDir Path dir) throws Exception {
        Path kubectl = Path.of("/usr/bin/kubectl");
        Assumptions.assumeTrue(Files.isExecutable(kubectl), "kubectl not installed at /usr/bin/kubectl: skipped");
        Path kubeconfig = dir.resolve("kubeconfig");
        Files.writeString(kubeconfig, """
                apiVersion: v1
                kind: Config
                clusters: [{name: local, cluster: {server: "%s"}}]
                users: [{name: local, user: {}}]
                contexts: [{name: local, context: {cluster: local, user: local, namespace: kubectl}}]
                current-context: local
                """.formatted(api.url()));
        Path vs = dir.resolve("vs.yaml");
        Files.writeString(vs, """
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata: {name: reviews, namespace: kubectl}
                spec:
                  hosts: [reviews]
                  http: [{name: one, route: [{destination: {host: reviews}}]}, {name: two, route: [{destination: {host: reviews}}]}]
                """);
        assertThat(run(kubeconfig, "apply", "--validate=false", "-f", vs.toString())).contains("virtualservice.networking.istio.io/reviews created");
        Files.writeString(vs, Files.readString(vs).replace("{name: one, route: [{destination: {host: reviews}}]}, ", ""));
        assertThat(run(kubeconfig, "apply", "--validate=false", "-f", vs.toString())).contains("configured");
        assertThat(run(kubeconfig, "get", "vs", "reviews", "-o", "jsonpath={.spec.http[*].name}")).as("routes after re-apply").isEqualTo("two");
        assertThat(run(kubeconfig, "get", "virtualservices,destinationrules,pods,services,events")).doesNotContain("error");
        assertThat(run(kubeconfig, "delete", "vs", "reviews")).contains("deleted");
        assertThat(api.client().genericKubernetesResources(VS).inNamespace("kubectl").withName("reviews").get()).as("after kubectl delete").isNull();
    }

    private static String run(Path kubeconfig, String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of("/usr/bin/kubectl", "--kubeconfig", kubeconfig.toString()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("kubectl %s finished", List.of(args)).isTrue();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertThat(p.exitValue()).as("kubectl %s exit code; output: %s", List.of(args), output).isZero();
        return output;
    }
}
