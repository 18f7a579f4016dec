package io.k1s0.fault.environment;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The k1s0 namespaces (sidecar injection on) and the example workloads, all the pinned Fortio echo
 * server: a request can ask it for a status or delay distribution, which is how tests make a backend
 * fail or slow down for outlier detection and connection-pool limits (mesh faults never trip those).
 */
final class MeshWorkloads {

    static final List<String> NAMESPACES = List.of("k1s0-system", "k1s0-business", "k1s0-service");
    static final int SERVICE_PORT = 80;
    static final int CONTAINER_PORT = 8080;

    /** One Deployment; {@code app} is also the Service name, so stable and canary share a Service. */
    record Workload(String deployment, String namespace, String app, String version) {
    }

    static final List<Workload> WORKLOADS = List.of(
            new Workload("auth-server", "k1s0-system", "auth-server", "stable"),
            new Workload("accounting-server", "k1s0-business", "accounting-server", "stable"),
            new Workload("order-server", "k1s0-service", "order-server", "stable"),
            new Workload("order-server-canary", "k1s0-service", "order-server", "canary"),
            new Workload("order-bff", "k1s0-service", "order-bff", "stable"));

    private MeshWorkloads() {
    }

    static List<HasMetadata> namespaces() {
        return NAMESPACES.stream().<HasMetadata>map(MeshWorkloads::injectedNamespace).toList();
    }

    static Namespace injectedNamespace(String name) {
        return new NamespaceBuilder().withNewMetadata().withName(name)
                .addToLabels("istio-injection", "enabled").endMetadata().build();
    }

    static List<HasMetadata> workloads() {
        List<HasMetadata> resources = new ArrayList<>();
        Set<String> services = new LinkedHashSet<>();
        for (Workload workload : WORKLOADS) {
            resources.add(deployment(workload));
            if (services.add(workload.namespace() + "/" + workload.app())) {
                resources.add(service(workload));
            }
        }
        return resources;
    }

    private static HasMetadata deployment(Workload workload) {
        Map<String, String> labels = Map.of("app", workload.app(), "version", workload.version());
        return new DeploymentBuilder()
                .withNewMetadata().withName(workload.deployment()).withNamespace(workload.namespace())
                .withLabels(labels).endMetadata()
                .withNewSpec().withReplicas(1)
                .withNewSelector().withMatchLabels(labels).endSelector()
                .withNewTemplate().withNewMetadata().withLabels(labels).endMetadata()
                .withNewSpec()
                .addNewContainer().withName("app").withImage(PinnedImages.FORTIO)
                .withArgs("server", "-http-port", String.valueOf(CONTAINER_PORT))
                .addNewPort().withName("http").withContainerPort(CONTAINER_PORT).endPort()
                .withNewReadinessProbe().withNewHttpGet().withPath("/debug")
                .withPort(new IntOrString(CONTAINER_PORT)).endHttpGet().withPeriodSeconds(2).endReadinessProbe()
                .endContainer()
                .endSpec().endTemplate().endSpec()
                .build();
    }

    private static HasMetadata service(Workload workload) {
        return new ServiceBuilder()
                .withNewMetadata().withName(workload.app()).withNamespace(workload.namespace())
                .addToLabels("app", workload.app()).endMetadata()
                .withNewSpec().addToSelector("app", workload.app())
                // The "http" name tells Istio the protocol, so requests get HTTP routing, faults and metrics.
                .addNewPort().withName("http").withPort(SERVICE_PORT)
                .withTargetPort(new IntOrString(CONTAINER_PORT)).endPort()
                .endSpec()
                .build();
    }
}
