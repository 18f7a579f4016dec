package io.k1s0.fault.environment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InstallPlanTest {

    @TempDir
    Path manifests;

    private EmbeddedKubernetes api;
    private InstallPlan plan;

    @BeforeEach
    void buildPlan() throws Exception {
        Files.writeString(manifests.resolve("order-server-vs.yaml"), """
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata: {name: order-server, namespace: k1s0-service}
                spec:
                  hosts: [order-server]
                  http:
                  - route:
                    - destination: {host: order-server}
                ---
                apiVersion: v1
                kind: Namespace
                metadata: {name: k1s0-service}
                """);
        Files.createDirectories(manifests.resolve("flagger"));
        Files.writeString(manifests.resolve("flagger/canary.yml"), """
                apiVersion: flagger.app/v1beta1
                kind: Canary
                metadata: {name: order-server, namespace: k1s0-service}
                spec: {targetRef: {apiVersion: apps/v1, kind: Deployment, name: order-server}}
                """);
        Files.writeString(manifests.resolve("README.md"), "not a manifest");
        api = new EmbeddedKubernetes();
        plan = InstallPlan.standard(api.client(), Optional.of(manifests), MeshWorkloads.EXAMPLE);
    }

    @AfterEach
    void stopApi() {
        api.close();
    }

    @Test
    void stepsRunInDependencyOrder() {
        assertThat(plan.stepNames())
                .containsExactly("k3s", "istio-base", "istiod", "namespaces", "prometheus", "workloads", "manifests");
        assertThat(plan.step("k3s").readiness().description())
                .as("HelmCharts are applied only once k3s serves the kind").contains("helmcharts.helm.cattle.io");
        assertThat(plan.step("k3s").resources()).isEmpty();
    }

    @Test
    void istioChartsAreHelmChartResourcesPinnedTo1246IntoServiceMesh() {
        for (String step : List.of("istio-base", "istiod")) {
            GenericKubernetesResource chart = (GenericKubernetesResource) plan.step(step).resources().get(0);
            assertThat(chart.getApiVersion()).isEqualTo("helm.cattle.io/v1");
            assertThat(chart.getKind()).isEqualTo("HelmChart");
            assertThat(chart.getMetadata().getNamespace()).isEqualTo("kube-system");
            Map<String, Object> spec = chart.get("spec");
            assertThat(spec).as(step + " spec")
                    .containsEntry("repo", "https://istio-release.storage.googleapis.com/charts")
                    .containsEntry("version", "1.24.6")
                    .containsEntry("targetNamespace", "service-mesh")
                    .containsEntry("createNamespace", true);
            assertThat(values(chart).at("/global/istioNamespace").asText())
                    .as("%s must point global.istioNamespace at the release namespace", step)
                    .isEqualTo("service-mesh");
        }
        assertThat((Object) ((GenericKubernetesResource) plan.step("istio-base").resources().get(0)).get("spec", "chart"))
                .isEqualTo("base");
        assertThat(values((GenericKubernetesResource) plan.step("istio-base").resources().get(0)).at("/defaultRevision").asText())
                .as("base's default-revision validator, as Istio's Helm guide installs it").isEqualTo("default");
        assertThat((Object) ((GenericKubernetesResource) plan.step("istiod").resources().get(0)).get("spec", "chart"))
                .isEqualTo("istiod");
    }

    @Test
    void istiodValuesExportRetryOutlierOverflowStatsWithNativeSidecarsAndAccessLogs() {
        JsonNode values = values((GenericKubernetesResource) plan.step("istiod").resources().get(0));
        List<String> regexps = StreamSupport.stream(
                values.at("/meshConfig/defaultConfig/proxyStatsMatcher/inclusionRegexps").spliterator(), false)
                .map(JsonNode::asText).toList();
        assertThat(regexps).containsExactlyInAnyOrder(
                ".*outlier_detection.*", ".*upstream_rq_retry.*", ".*upstream_rq_pending.*", ".*circuit_breakers.*");
        assertThat(values.at("/meshConfig/defaultConfig/holdApplicationUntilProxyStarts").asBoolean()).isTrue();
        assertThat(values.at("/meshConfig/accessLogFile").asText()).isEqualTo("/dev/stdout");
        assertThat(values.at("/pilot/env/ENABLE_NATIVE_SIDECARS").asText())
                .as("Istio 1.24 injects native sidecars only with this flag").isEqualTo("true");
        assertThat(values.at("/global/proxy/resources/requests/cpu").asText())
                .as("sidecar CPU request small enough for 15 meshed pods on a 2-core runner").isEqualTo("10m");
        assertThat(values.at("/pilot/resources/requests/cpu").asText()).isEqualTo("100m");
        assertThat(values.at("/pilot/autoscaleEnabled").asBoolean(true)).as("no HPA without metrics-server").isFalse();
    }

    @Test
    void chartsWaitForCrdsThenIstiodThenTheInjectionWebhook() {
        assertThat(plan.step("istio-base").readiness().description())
                .contains("virtualservices.networking.istio.io");
        assertThat(plan.step("istiod").readiness().description()).contains("service-mesh").contains("istiod");
        assertThat(plan.step("namespaces").readiness().description())
                .contains("sidecar injection webhook registered for service-mesh")
                .contains("probe pod in k1s0-system gets a sidecar");
        assertThat(plan.step("workloads").readiness().description())
                .contains("pods ready with sidecars in [k1s0-system, k1s0-business, k1s0-service]");
    }

    @Test
    void k1s0NamespacesHaveInjectionEnabled() {
        assertThat(plan.step("namespaces").resources())
                .extracting(resource -> resource.getMetadata().getName())
                .containsExactly("k1s0-system", "k1s0-business", "k1s0-service");
        assertThat(plan.step("namespaces").resources())
                .allSatisfy(namespace -> assertThat(namespace.getMetadata().getLabels())
                        .containsEntry("istio-injection", "enabled"));
    }

    @Test
    void exampleWorkloadsArePinnedFortioWithStableAndCanaryBehindOneService() {
        List<HasMetadata> resources = plan.step("workloads").resources();
        List<Deployment> deployments = ofType(resources, Deployment.class).stream()
                .filter(d -> !"fault-relay".equals(d.getMetadata().getName())).toList();
        assertThat(deployments).extracting(d -> d.getMetadata().getNamespace() + "/" + d.getMetadata().getName())
                .containsExactly("k1s0-system/auth-server", "k1s0-business/accounting-server",
                        "k1s0-service/order-server", "k1s0-service/order-server-canary", "k1s0-service/order-bff");
        assertThat(deployments).allSatisfy(d -> {
            assertThat(d.getSpec().getTemplate().getSpec().getContainers().get(0).getImage())
                    .isEqualTo("fortio/fortio:1.69.4");
            assertThat(d.getSpec().getTemplate().getMetadata().getLabels()).containsKeys("app", "version");
        });
        Deployment canary = deployments.get(3);
        assertThat(canary.getSpec().getTemplate().getMetadata().getLabels())
                .containsEntry("app", "order-server").containsEntry("version", "canary");
        List<Service> services = ofType(resources, Service.class);
        assertThat(services).extracting(s -> s.getMetadata().getName())
                .containsExactly("auth-server", "accounting-server", "order-server", "order-bff");
        assertThat(services).allSatisfy(s -> {
            assertThat(s.getSpec().getPorts().get(0).getPort()).isEqualTo(80);
            assertThat(s.getSpec().getPorts().get(0).getTargetPort().getIntVal()).isEqualTo(8080);
            assertThat(s.getSpec().getPorts().get(0).getName()).as("Istio protocol by port name").isEqualTo("http");
        });
    }

    @Test
    void relayIsAnEnvoyForwardProxyDeploymentInEveryMeshedNamespace() throws Exception {
        List<HasMetadata> resources = plan.step("workloads").resources();
        List<Deployment> relays = ofType(resources, Deployment.class).stream()
                .filter(d -> "fault-relay".equals(d.getMetadata().getName())).toList();
        assertThat(relays).extracting(d -> d.getMetadata().getNamespace())
                .containsExactly("k1s0-system", "k1s0-business", "k1s0-service");
        assertThat(relays).allSatisfy(relay -> {
            assertThat(relay.getSpec().getReplicas()).isEqualTo(1);
            assertThat(relay.getSpec().getSelector().getMatchLabels()).isEqualTo(RelayResources.SELECTOR);
            var pod = relay.getSpec().getTemplate();
            assertThat(pod.getMetadata().getAnnotations())
                    .as("config hash, so a changed relay config rolls the pod on a reused cluster")
                    .containsEntry(RelayResources.CONFIG_HASH_ANNOTATION, RelayResources.configHash());
            assertThat(pod.getSpec().getContainers().get(0).getImage()).isEqualTo("envoyproxy/envoy:v1.32.6");
            assertThat(pod.getSpec().getContainers().get(0).getPorts().get(0).getContainerPort()).isEqualTo(3128);
        });
        ConfigMap config = ofType(resources, ConfigMap.class).get(0);
        JsonNode envoy = Yaml.mapper().readTree(config.getData().get("envoy.yaml"));
        JsonNode manager = envoy.at("/static_resources/listeners/0/filter_chains/0/filters/0/typed_config");
        assertThat(manager.at("/http_protocol_options/allow_absolute_url").asBoolean())
                .as("absolute-URI requests, as curl -x sends them").isTrue();
        assertThat(manager.at("/server_header_transformation").asText()).isEqualTo("PASS_THROUGH");
        assertThat(manager.at("/route_config/virtual_hosts/0/routes/0/route/timeout").asText())
                .as("the relay must not cut an injected delay").isEqualTo("0s");
        assertThat(manager.at("/route_config/virtual_hosts/0/routes/0/route/retry_policy").isMissingNode())
                .as("the relay must not retry").isTrue();
        assertThat(manager.at("/http_filters/0/name").asText()).isEqualTo("envoy.filters.http.dynamic_forward_proxy");
        assertThat(manager.at("/http_filters/0/typed_config/dns_cache_config"))
                .as("filter and cluster must share one DNS cache config (Envoy rejects a mismatch)")
                .isEqualTo(envoy.at("/static_resources/clusters/0/cluster_type/typed_config/dns_cache_config"));
        assertThat(envoy.at("/static_resources/clusters/0/lb_policy").asText()).isEqualTo("CLUSTER_PROVIDED");
        assertThat(manager.at("/http_filters/1/typed_config/suppress_envoy_headers").asBoolean()).isTrue();
        assertThat(envoy.at("/admin/address/socket_address/address").asText()).isEqualTo("127.0.0.1");
    }

    @Test
    void noBarePodsSoAReusedClusterCanApplyThePlanAgain() {
        // The API server rejects an update of a Pod whose spec the injector changed; Deployments take it as a no-op.
        assertThat(plan.steps()).flatExtracting(InstallStep::resources)
                .as("resources of the plan").noneMatch(resource -> resource instanceof Pod);
    }

    @Test
    void workloadsStepWaitsForEveryDeploymentIncludingTheRelaysThenForSidecars() {
        String description = plan.step("workloads").readiness().description();
        assertThat(description)
                .contains("Deployments ready in k1s0-service [order-server, order-server-canary, order-bff]")
                .contains("Deployments ready in k1s0-system [fault-relay]")
                .contains("Deployments ready in kube-system [coredns]")
                .contains("pods ready with sidecars in [k1s0-system, k1s0-business, k1s0-service]");
    }

    @Test
    void withoutAManifestsDirectoryTheLastStepAppliesNothing() {
        InstallPlan none = InstallPlan.standard(api.client(), Optional.empty(), MeshWorkloads.EXAMPLE);
        assertThat(none.step("manifests").resources()).as("manifests applied when none is named").isEmpty();
    }

    @Test
    void prometheusScrapesAnnotatedRunningPodsEveryTwoSeconds() throws Exception {
        List<HasMetadata> resources = plan.step("prometheus").resources();
        assertThat(resources).extracting(HasMetadata::getKind)
                .containsExactly("Namespace", "ServiceAccount", "ClusterRole", "ClusterRoleBinding", "ConfigMap",
                        "Deployment", "Service");
        Deployment deployment = ofType(resources, Deployment.class).get(0);
        assertThat(deployment.getMetadata().getNamespace()).isEqualTo("observability");
        assertThat(deployment.getSpec().getTemplate().getSpec().getContainers().get(0).getImage())
                .isEqualTo("prom/prometheus:v2.54.1");
        JsonNode config = Yaml.mapper().readTree(ofType(resources, ConfigMap.class).get(0).getData().get("prometheus.yml"));
        assertThat(config.at("/global/scrape_interval").asText()).isEqualTo("2s");
        JsonNode job = config.at("/scrape_configs/0");
        assertThat(job.at("/job_name").asText()).isEqualTo("kubernetes-pods");
        assertThat(job.at("/relabel_configs/0/action").asText()).isEqualTo("keep");
        assertThat(job.at("/relabel_configs/0/source_labels/0").asText())
                .isEqualTo("__meta_kubernetes_pod_annotation_prometheus_io_scrape");
        assertThat(job.at("/relabel_configs/1/action").asText()).isEqualTo("drop");
        assertThat(job.at("/relabel_configs/1/regex").asText()).isEqualTo("Pending|Succeeded|Failed|Completed");
    }

    @Test
    void manifestsStepKeepsMeshResourcesAndLeavesOutNamespacesAndUninstalledApis() {
        assertThat(plan.step("manifests").resources())
                .extracting(r -> r.getKind() + " " + r.getMetadata().getName())
                .containsExactly("VirtualService order-server");
    }

    @Test
    void missingManifestsDirectoryIsAClearError() {
        Path missing = manifests.resolve("nope");
        assertThatThrownBy(() -> InstallPlan.standard(api.client(), Optional.of(missing), MeshWorkloads.EXAMPLE))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("manifests directory '" + missing.toAbsolutePath() + "' does not exist");
    }

    @Test
    void invalidManifestNamesTheFile() throws Exception {
        Path bad = manifests.resolve("broken.yaml");
        Files.writeString(bad, "kind: [unclosed\n");
        assertThatThrownBy(() -> InstallPlan.standard(api.client(), Optional.of(manifests), MeshWorkloads.EXAMPLE))
                .hasMessageContaining("broken.yaml");
    }

    @Test
    void unknownStepNameListsTheSteps() {
        assertThatThrownBy(() -> plan.step("helm"))
                .hasMessageContaining("no install step 'helm'; steps are [k3s, istio-base, istiod");
    }

    @Test
    void everyResourceOfThePlanIsAcceptedByTheApiServer() {
        api.registerCrd("helm.cattle.io", "v1", "HelmChart", "helmcharts");
        api.registerCrd("networking.istio.io", "v1", "VirtualService", "virtualservices");
        Installer installer = new Installer(api.client(), java.time.Duration.ofSeconds(1), manifests.resolve("out"), MeshWorkloads.K1S0_NAMESPACES);
        plan.steps().forEach(installer::apply);
        plan.steps().forEach(installer::apply); // a reused cluster gets the same plan again
        assertThat(api.client().genericKubernetesResources("helm.cattle.io/v1", "HelmChart")
                .inNamespace("kube-system").list().getItems())
                .extracting(r -> r.getMetadata().getName()).containsExactlyInAnyOrder("istio-base", "istiod");
        assertThat(api.client().apps().deployments().inAnyNamespace().withLabel("app", "fault-relay").list().getItems())
                .as("relay Deployments").hasSize(3);
        assertThat(api.client().apps().deployments().inAnyNamespace().list().getItems())
                .as("5 workloads, 3 relays, Prometheus").hasSize(9);
    }

    private static JsonNode values(GenericKubernetesResource chart) {
        try {
            return Yaml.mapper().readTree((String) chart.get("spec", "valuesContent"));
        } catch (Exception e) {
            throw new AssertionError("valuesContent of " + chart.getMetadata().getName() + " is not YAML", e);
        }
    }

    private static <T> List<T> ofType(List<HasMetadata> resources, Class<T> type) {
        return resources.stream().filter(type::isInstance).map(type::cast).toList();
    }
}
