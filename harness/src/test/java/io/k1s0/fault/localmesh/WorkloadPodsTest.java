package io.k1s0.fault.localmesh;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WorkloadPodsTest {
    private static final KubernetesSerialization JSON = new KubernetesSerialization();
    private static final WorkloadSpec ORDERS = new WorkloadSpec("order-server", "k1s0-service", Map.of("version", "v2"), "orders", 8080, 1, "");

    @Test
    void theUntypedPodReadsAsTheTypedPodATestGetsFromTheApi() {
        Pod pod = JSON.convertValue(WorkloadPods.pod(ORDERS, "order-server-0", 41000, 41001), Pod.class);
        assertThat(pod.getMetadata().getLabels()).as("labels").containsEntry("app", "order-server").containsEntry("version", "v2");
        assertThat(pod.getMetadata().getAnnotations()).as("annotations")
                .containsEntry(WorkloadPods.INBOUND_PORT, "41000").containsEntry("prometheus.io/port", "41001");
        assertThat(pod.getSpec().getContainers()).as("containers: the app's port and the sidecar's metrics port")
                .extracting(c -> c.getName() + ":" + c.getPorts().get(0).getContainerPort())
                .containsExactly("order-server:8080", "istio-proxy:41001");
        assertThat(pod.getStatus().getPhase()).isEqualTo("Running");
        assertThat(pod.getStatus().getPodIP()).isEqualTo("127.0.0.1");
        assertThat(pod.getStatus().getConditions()).extracting(c -> c.getType() + "=" + c.getStatus())
                .containsExactly("Ready=True", "ContainersReady=True");

        Service service = JSON.convertValue(WorkloadPods.service(ORDERS), Service.class);
        assertThat(service.getMetadata().getName()).isEqualTo("orders");
        assertThat(service.getSpec().getSelector()).isEqualTo(Map.of("app", "order-server"));
        assertThat(service.getSpec().getPorts().get(0).getPort()).isEqualTo(8080);
        assertThat(service.getSpec().getPorts().get(0).getTargetPort().getIntVal()).isEqualTo(8080);
    }

    @Test
    void aRegisteredPodIsAReadyEndpointOnItsSidecarsInboundPort() {
        GenericKubernetesResource pod = WorkloadPods.pod(ORDERS, "order-server-0", 41000, 41001);
        assertThat(WorkloadPods.isReady(pod)).as("ready").isTrue();
        assertThat(WorkloadPods.selects(Map.of("app", "order-server"), pod)).as("selected by app=order-server").isTrue();
        assertThat(WorkloadPods.selects(Map.of("app", "order-server", "version", "v1"), pod)).as("selected by version=v1").isFalse();
        Endpoint e = WorkloadPods.endpoint(pod).orElseThrow();
        assertThat(e.podName()).isEqualTo("order-server-0");
        assertThat(e.workload()).isEqualTo("order-server");
        assertThat(e.port()).isEqualTo(41000);
    }

    @Test
    void aPodIsNotReadyWhenDeletingNotRunningOrWithoutATrueReadyCondition() {
        GenericKubernetesResource deleting = WorkloadPods.pod(ORDERS, "p", 1, 2);
        deleting.getMetadata().setDeletionTimestamp("2026-11-26T00:00:00Z");
        assertThat(WorkloadPods.isReady(deleting)).as("being deleted").isFalse();

        GenericKubernetesResource pending = WorkloadPods.pod(ORDERS, "p", 1, 2);
        pending.setAdditionalProperty("status", Map.of("phase", "Pending"));
        assertThat(WorkloadPods.isReady(pending)).as("Pending").isFalse();

        GenericKubernetesResource notReady = WorkloadPods.pod(ORDERS, "p", 1, 2);
        notReady.setAdditionalProperty("status", Map.of("phase", "Running", "conditions", List.of(Map.of("type", "Ready", "status", "False"))));
        assertThat(WorkloadPods.isReady(notReady)).as("Ready=False").isFalse();

        GenericKubernetesResource noStatus = WorkloadPods.pod(ORDERS, "p", 1, 2);
        noStatus.getAdditionalProperties().remove("status");
        assertThat(WorkloadPods.isReady(noStatus)).as("no status at all").isFalse();
    }

    @Test
    void aPodWithoutALocalSidecarIsNoEndpoint() {
        GenericKubernetesResource fromManifest = WorkloadPods.pod(ORDERS, "p", 1, 2);
        fromManifest.getMetadata().setAnnotations(Map.of());
        assertThat(WorkloadPods.endpoint(fromManifest)).as("a pod applied from a manifest").isEmpty();
    }

    @Test
    void aServiceShapeIsItsSelectorAndFirstPortAndAServiceWithoutPortsHasNone() {
        assertThat(WorkloadPods.shape(WorkloadPods.service(ORDERS)))
                .contains(new WorkloadPods.ServiceShape(Map.of("app", "order-server"), 8080));
        GenericKubernetesResource headless = WorkloadPods.service(ORDERS);
        headless.setAdditionalProperty("spec", Map.of("selector", Map.of("app", "order-server")));
        assertThat(WorkloadPods.shape(headless)).as("a Service without ports").isEmpty();
        GenericKubernetesResource noSelector = WorkloadPods.service(ORDERS);
        noSelector.setAdditionalProperty("spec", Map.of("ports", List.of(Map.of("port", 80))));
        assertThat(WorkloadPods.shape(noSelector)).as("a Service without a selector")
                .contains(new WorkloadPods.ServiceShape(Map.of(), 80));
    }
}
