package io.k1s0.fault.localmesh;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WorkloadResourcesTest {
    private static final KubernetesSerialization JSON = new KubernetesSerialization();
    private static final WorkloadSpec ORDERS = new WorkloadSpec("order-server", "k1s0-service", Map.of("version", "v2"), "orders", 8080, 1, "");

    @Test
    void theUntypedPodReadsAsTheTypedPodATestGetsFromTheApi() {
        Pod pod = JSON.convertValue(WorkloadResources.pod(ORDERS, "order-server-0", 41000, 41001), Pod.class);
        assertThat(pod.getMetadata().getLabels()).as("labels").containsEntry("app", "order-server").containsEntry("version", "v2");
        assertThat(pod.getMetadata().getAnnotations()).as("annotations")
                .containsEntry(WorkloadResources.INBOUND_PORT, "41000").containsEntry("prometheus.io/port", "41001");
        assertThat(pod.getSpec().getContainers()).as("containers: the app's port and the sidecar's metrics port")
                .extracting(c -> c.getName() + ":" + c.getPorts().get(0).getContainerPort())
                .containsExactly("order-server:8080", "istio-proxy:41001");
        assertThat(pod.getStatus().getPhase()).as("phase").isEqualTo("Running");
        assertThat(pod.getStatus().getPodIP()).as("pod IP").isEqualTo("127.0.0.1");
        assertThat(pod.getStatus().getConditions()).extracting(c -> c.getType() + "=" + c.getStatus()).as("conditions")
                .containsExactly("Ready=True", "ContainersReady=True");

        Service service = JSON.convertValue(WorkloadResources.service(ORDERS), Service.class);
        assertThat(service.getMetadata().getName()).as("Service name").isEqualTo("orders");
        assertThat(service.getSpec().getSelector()).as("Service selector").isEqualTo(Map.of("app", "order-server"));
        assertThat(service.getSpec().getPorts().get(0).getPort()).as("Service port").isEqualTo(8080);
        assertThat(service.getSpec().getPorts().get(0).getTargetPort().getIntVal()).as("Service targetPort").isEqualTo(8080);
    }

    @Test
    void aRegisteredPodIsAReadyEndpointOnItsSidecarsInboundPort() {
        GenericKubernetesResource pod = WorkloadResources.pod(ORDERS, "order-server-0", 41000, 41001);
        assertThat(WorkloadResources.isReady(pod)).as("ready").isTrue();
        assertThat(WorkloadResources.selects(Map.of("app", "order-server"), pod)).as("selected by app=order-server").isTrue();
        assertThat(WorkloadResources.selects(Map.of("app", "order-server", "version", "v1"), pod)).as("selected by version=v1").isFalse();
        Endpoint e = WorkloadResources.endpoint(pod).orElseThrow();
        assertThat(e.podName()).as("endpoint pod").isEqualTo("order-server-0");
        assertThat(e.workload()).as("endpoint workload").isEqualTo("order-server");
        assertThat(e.port()).as("endpoint port: the sidecar's inbound listener").isEqualTo(41000);
    }

    @Test
    void aPodIsNotReadyWhenDeletingNotRunningOrWithoutATrueReadyCondition() {
        GenericKubernetesResource deleting = WorkloadResources.pod(ORDERS, "p", 1, 2);
        deleting.getMetadata().setDeletionTimestamp("2026-11-26T00:00:00Z");
        assertThat(WorkloadResources.isReady(deleting)).as("being deleted").isFalse();

        GenericKubernetesResource pending = WorkloadResources.pod(ORDERS, "p", 1, 2);
        pending.setAdditionalProperty("status", Map.of("phase", "Pending"));
        assertThat(WorkloadResources.isReady(pending)).as("Pending").isFalse();

        GenericKubernetesResource notReady = WorkloadResources.pod(ORDERS, "p", 1, 2);
        notReady.setAdditionalProperty("status", Map.of("phase", "Running", "conditions", List.of(Map.of("type", "Ready", "status", "False"))));
        assertThat(WorkloadResources.isReady(notReady)).as("Ready=False").isFalse();

        GenericKubernetesResource noStatus = WorkloadResources.pod(ORDERS, "p", 1, 2);
        noStatus.getAdditionalProperties().remove("status");
        assertThat(WorkloadResources.isReady(noStatus)).as("no status at all").isFalse();
    }

    @Test
    void aPodWithoutALocalSidecarIsNoEndpoint() {
        GenericKubernetesResource fromManifest = WorkloadResources.pod(ORDERS, "p", 1, 2);
        fromManifest.getMetadata().setAnnotations(Map.of());
        assertThat(WorkloadResources.endpoint(fromManifest)).as("a pod applied from a manifest").isEmpty();
    }

    @Test
    void aServiceShapeIsItsSelectorAndFirstPortAndAServiceWithoutPortsHasNone() {
        assertThat(WorkloadResources.shape(WorkloadResources.service(ORDERS)))
                .contains(new WorkloadResources.ServiceShape(Map.of("app", "order-server"), 8080));
        GenericKubernetesResource headless = WorkloadResources.service(ORDERS);
        headless.setAdditionalProperty("spec", Map.of("selector", Map.of("app", "order-server")));
        assertThat(WorkloadResources.shape(headless)).as("a Service without ports").isEmpty();
        GenericKubernetesResource noSelector = WorkloadResources.service(ORDERS);
        noSelector.setAdditionalProperty("spec", Map.of("ports", List.of(Map.of("port", 80))));
        assertThat(WorkloadResources.shape(noSelector)).as("a Service without a selector")
                .contains(new WorkloadResources.ServiceShape(Map.of(), 80));
    }

    @Test
    void aServicePortWrittenAsDigitsCountsAndOneThatIsNoNumberDoesNot() {
        GenericKubernetesResource quoted = WorkloadResources.service(ORDERS);
        quoted.setAdditionalProperty("spec", Map.of("selector", Map.of("app", "order-server"), "ports", List.of(Map.of("port", "8080"))));
        assertThat(WorkloadResources.shape(quoted)).as("port \"8080\"")
                .contains(new WorkloadResources.ServiceShape(Map.of("app", "order-server"), 8080));
        GenericKubernetesResource named = WorkloadResources.service(ORDERS);
        named.setAdditionalProperty("spec", Map.of("ports", List.of(Map.of("port", "http"))));
        assertThat(WorkloadResources.shape(named)).as("port \"http\"").isEmpty();
    }

    @Test
    void theControlPlanesWarmUpSpecsReadAsIstiosModelWithEveryPartTheyAreMeantToWarm() {
        var vs = JSON.convertValue(ControlPlane.WARM_UP_VIRTUAL_SERVICE, io.fabric8.istio.api.api.networking.v1alpha3.VirtualService.class);
        var route = vs.getHttp().get(0);
        assertThat(route.getFault().getAbort()).as("fault.abort").isNotNull();
        assertThat(route.getFault().getDelay()).as("fault.delay").isNotNull();
        assertThat(route.getRetries().getAttempts()).as("retries.attempts").isEqualTo(1);
        assertThat(route.getTimeout()).as("timeout").isEqualTo("1s");
        assertThat(route.getMatch().get(0).getUri()).as("match.uri").isNotNull();
        assertThat(route.getRoute().get(0).getDestination().getSubset()).as("route destination subset").isEqualTo("v1");
        assertThat(vs.getAdditionalProperties()).as("fields the model did not know").isEmpty();
        var dr = JSON.convertValue(ControlPlane.WARM_UP_DESTINATION_RULE, io.fabric8.istio.api.api.networking.v1alpha3.DestinationRule.class);
        assertThat(dr.getTrafficPolicy().getOutlierDetection().getConsecutive5xxErrors()).as("outlierDetection.consecutive5xxErrors").isEqualTo(1);
        assertThat(dr.getTrafficPolicy().getConnectionPool().getHttp().getHttp1MaxPendingRequests()).as("http1MaxPendingRequests").isEqualTo(1);
        assertThat(dr.getSubsets()).as("subsets").hasSize(1);
        assertThat(dr.getAdditionalProperties()).as("fields the model did not know").isEmpty();
    }
}
