package io.k1s0.fault.environment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.k1s0.fault.localmesh.WorkloadSpec;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The k3s workloads come from the test's topology, so names, namespaces and replicas match the local mesh's. */
class MeshWorkloadsTest {

    private static final List<WorkloadSpec> DESIGN = DesignTopology.WORKLOADS;

    @Test
    void everyTopologyNamespaceIsInjectedAndGetsARelay() {
        MeshWorkloads workloads = MeshWorkloads.of(DESIGN);
        assertThat(workloads.namespaces()).as("meshed namespaces")
                .containsExactly("k1s0-system", "k1s0-business", "k1s0-service", "ingress");
        assertThat(workloads.namespaceResources()).allSatisfy(namespace ->
                assertThat(namespace.getMetadata().getLabels()).containsEntry("istio-injection", "enabled"));
        assertThat(RelayResources.all(workloads.namespaces()))
                .filteredOn(resource -> resource instanceof Deployment)
                .extracting(resource -> resource.getMetadata().getNamespace())
                .as("relays, so mesh.from(\"kong\", \"ingress\") has a vantage")
                .containsExactly("k1s0-system", "k1s0-business", "k1s0-service", "ingress");
    }

    @Test
    void deploymentsCarryTheTopologysNamesLabelsAndReplicas() {
        List<Deployment> deployments = deployments(MeshWorkloads.of(DESIGN).resources());
        assertThat(deployments).extracting(d -> d.getMetadata().getName() + "×" + d.getSpec().getReplicas())
                .containsExactly("kong×1", "order-bff×1", "order-server×2", "order-server-canary×2",
                        "accounting-server×2", "auth-server×2");
        Deployment canary = deployments.get(3);
        assertThat(canary.getSpec().getTemplate().getMetadata().getLabels())
                .containsEntry("app", "order-server").containsEntry("version", "canary");
        assertThat(deployments.get(0).getSpec().getTemplate().getMetadata().getLabels())
                .as("defaults as in the local mesh").containsEntry("app", "kong").containsEntry("version", "v1");
        assertThat(deployments).allSatisfy(d -> assertThat(d.getSpec().getSelector().getMatchLabels())
                .as("selector of %s: its own pods only", d.getMetadata().getName())
                .isEqualTo(Map.of(MeshWorkloads.WORKLOAD_LABEL, d.getMetadata().getName())));
    }

    @Test
    void workloadsSharingAServiceGetOneServiceSelectingTheirAppLabel() {
        List<Service> services = MeshWorkloads.of(DESIGN).resources().stream()
                .filter(Service.class::isInstance).map(Service.class::cast).toList();
        assertThat(services).extracting(s -> s.getMetadata().getNamespace() + "/" + s.getMetadata().getName())
                .containsExactly("ingress/kong", "k1s0-service/order-bff", "k1s0-service/order-server",
                        "k1s0-business/accounting-server", "k1s0-system/auth-server");
        Service orderServer = services.get(2);
        assertThat(orderServer.getSpec().getSelector()).isEqualTo(Map.of("app", "order-server"));
        assertThat(orderServer.getSpec().getPorts().get(0).getPort()).isEqualTo(80);
        assertThat(orderServer.getSpec().getPorts().get(0).getTargetPort().getIntVal()).isEqualTo(8080);
    }

    @Test
    void fortioServesOnlyHttpAndDelaysLikeTheLocalEcho() {
        List<String> args = MeshWorkloads.fortioArgs(WorkloadSpec.of("order-bff", "k1s0-service"));
        assertThat(args).startsWith("server", "-http-port", "8080")
                .containsSequence("-max-echo-delay", "60s")
                .containsSequence("-grpc-port", "disabled")
                .doesNotContain("-echo-server-default-params");
    }

    @Test
    void aWorkloadsDefaultEchoBecomesFortiosDefaultParameters() {
        WorkloadSpec failing = WorkloadSpec.of("order-server-bad", "k1s0-service").withDefaultEcho("status=503");
        assertThat(MeshWorkloads.fortioArgs(failing)).containsSequence("-echo-server-default-params", "status=503");
    }

    @Test
    void noTopologyMeansTheExampleChain() {
        assertThat(MeshWorkloads.of(List.of())).isSameAs(MeshWorkloads.EXAMPLE);
        assertThat(MeshWorkloads.EXAMPLE.namespaces()).containsExactly("k1s0-system", "k1s0-business", "k1s0-service");
    }

    @Test
    void workloadsDisagreeingOnASharedServiceAreRejectedNamingBoth() {
        List<WorkloadSpec> clash = List.of(
                WorkloadSpec.of("order-server", "k1s0-service"),
                WorkloadSpec.of("order-server-canary", "k1s0-service").withLabels(Map.of("app", "order-server"))
                        .withService("order-server", 8080));
        assertThatThrownBy(() -> MeshWorkloads.of(clash))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("workload order-server-canary declares Service k1s0-service/order-server with port 8080 and app "
                        + "'order-server', but workload order-server declares it with port 80 and app 'order-server'; "
                        + "allowed: workloads sharing a Service use the same port and app label");
    }

    @Test
    void aWorkloadNamedLikeTheRelayIsRejected() {
        assertThatThrownBy(() -> MeshWorkloads.of(List.of(WorkloadSpec.of("fault-relay", "k1s0-service"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("workload name is 'fault-relay' in namespace k1s0-service; allowed: any other name");
    }

    private static List<Deployment> deployments(List<HasMetadata> resources) {
        return resources.stream().filter(Deployment.class::isInstance).map(Deployment.class::cast).toList();
    }
}
