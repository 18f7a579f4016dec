package io.k1s0.fault.environment;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.k1s0.fault.localmesh.WorkloadSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The meshed namespaces (sidecar injection on) and the workloads of the test topology, each the pinned Fortio
 * echo server: a request can ask it for a status or delay distribution, which is how tests make a backend fail
 * or slow down for outlier detection and connection-pool limits (mesh faults never trip those).
 *
 * <p>The workloads are the same {@link WorkloadSpec}s the local mesh starts from (the topology file a test names),
 * so a test addresses the same names, namespaces, replica counts and Services in both environments. Each
 * workload is a Deployment named like the workload, which is what Istio reports as {@code source_workload}.
 */
record MeshWorkloads(List<WorkloadSpec> workloads) {

    /** Always injected, whatever the topology: the design's three tiers. */
    static final List<String> K1S0_NAMESPACES = List.of("k1s0-system", "k1s0-business", "k1s0-service");
    static final int CONTAINER_PORT = 8080;
    /** Selects one workload's pods only, so two workloads with equal app/version labels never adopt each other's pods. */
    static final String WORKLOAD_LABEL = "fault.k1s0.io/workload";
    /** Fortio caps {@code delay=} at 1.5 s by default; the local echo does not, and tests delay past timeouts. */
    static final String MAX_ECHO_DELAY = "60s";

    /** The example chain, used when the test names no topology: stable and canary behind one Service. */
    static final MeshWorkloads EXAMPLE = new MeshWorkloads(List.of(
            WorkloadSpec.of("auth-server", "k1s0-system"),
            WorkloadSpec.of("accounting-server", "k1s0-business"),
            WorkloadSpec.of("order-server", "k1s0-service").withLabels(Map.of("version", "stable")),
            WorkloadSpec.of("order-server-canary", "k1s0-service")
                    .withLabels(Map.of("app", "order-server", "version", "canary")).withService("order-server", 80),
            WorkloadSpec.of("order-bff", "k1s0-service")));

    MeshWorkloads {
        if (workloads == null || workloads.isEmpty()) {
            throw new IllegalArgumentException("workloads is " + workloads + "; allowed: one or more workloads");
        }
        workloads = List.copyOf(workloads);
        for (WorkloadSpec workload : workloads) {
            if (RelayResources.NAME.equals(workload.name())) {
                throw new IllegalArgumentException("workload name is '" + workload.name() + "' in namespace "
                        + workload.namespace() + "; allowed: any other name (the k3s environment's relay is called that)");
            }
        }
        services(workloads);
    }

    /** The topology's workloads, or {@link #EXAMPLE} when it declares none. */
    static MeshWorkloads of(List<WorkloadSpec> declared) {
        return declared == null || declared.isEmpty() ? EXAMPLE : new MeshWorkloads(declared);
    }

    /** The k1s0 namespaces, then every other namespace a workload runs in, in declaration order. */
    List<String> namespaces() {
        Set<String> all = new LinkedHashSet<>(K1S0_NAMESPACES);
        workloads.forEach(workload -> all.add(workload.namespace()));
        return List.copyOf(all);
    }

    List<HasMetadata> namespaceResources() {
        return namespaces().stream().<HasMetadata>map(MeshWorkloads::injectedNamespace).toList();
    }

    static Namespace injectedNamespace(String name) {
        return new NamespaceBuilder().withNewMetadata().withName(name)
                .addToLabels("istio-injection", "enabled").endMetadata().build();
    }

    /** Deployments and their Services; a Service shared by several workloads appears once. */
    List<HasMetadata> resources() {
        List<HasMetadata> resources = new ArrayList<>();
        Map<String, Service> services = services(workloads);
        Set<String> added = new LinkedHashSet<>();
        for (WorkloadSpec workload : workloads) {
            resources.add(deployment(workload));
            String key = workload.namespace() + "/" + workload.serviceName();
            if (added.add(key)) {
                resources.add(services.get(key));
            }
        }
        return resources;
    }

    /** Deployment names by namespace, for the readiness wait. */
    Map<String, List<String>> deploymentsByNamespace() {
        Map<String, List<String>> byNamespace = new LinkedHashMap<>();
        workloads.forEach(workload -> byNamespace.computeIfAbsent(workload.namespace(), n -> new ArrayList<>())
                .add(workload.name()));
        return byNamespace;
    }

    /** {@code app} defaults to the name and {@code version} to {@code v1}, as in the local mesh. */
    static Map<String, String> podLabels(WorkloadSpec workload) {
        Map<String, String> labels = new LinkedHashMap<>(workload.labels());
        labels.putIfAbsent("app", workload.name());
        labels.putIfAbsent("version", "v1");
        labels.put(WORKLOAD_LABEL, workload.name());
        return labels;
    }

    /** Fortio's echo server on {@value #CONTAINER_PORT} only, with the workload's default echo parameters if any. */
    static List<String> fortioArgs(WorkloadSpec workload) {
        List<String> args = new ArrayList<>(List.of("server", "-http-port", String.valueOf(CONTAINER_PORT),
                "-grpc-port", "disabled", "-redirect-port", "disabled", "-tcp-port", "disabled", "-udp-port", "disabled",
                "-max-echo-delay", MAX_ECHO_DELAY));
        if (!workload.defaultEcho().isEmpty()) {
            // Fortio uses these only for requests without a query string (the local echo fills in missing ones).
            args.addAll(List.of("-echo-server-default-params", workload.defaultEcho()));
        }
        return args;
    }

    private static HasMetadata deployment(WorkloadSpec workload) {
        Map<String, String> labels = podLabels(workload);
        return new DeploymentBuilder()
                .withNewMetadata().withName(workload.name()).withNamespace(workload.namespace())
                .withLabels(labels).endMetadata()
                .withNewSpec().withReplicas(workload.replicas())
                .withNewSelector().withMatchLabels(Map.of(WORKLOAD_LABEL, workload.name())).endSelector()
                .withNewTemplate().withNewMetadata().withLabels(labels).endMetadata()
                .withNewSpec()
                .addNewContainer().withName("app").withImage(PinnedImages.FORTIO)
                .withArgs(fortioArgs(workload))
                .addNewPort().withName("http").withContainerPort(CONTAINER_PORT).endPort()
                .withNewReadinessProbe().withNewHttpGet().withPath("/debug")
                .withPort(new IntOrString(CONTAINER_PORT)).endHttpGet().withPeriodSeconds(2).endReadinessProbe()
                .endContainer()
                .endSpec().endTemplate().endSpec()
                .build();
    }

    /** One Service per namespace/serviceName, selecting the {@code app} label; sharing workloads must agree. */
    private static Map<String, Service> services(List<WorkloadSpec> workloads) {
        Map<String, Service> services = new LinkedHashMap<>();
        Map<String, WorkloadSpec> declaredBy = new LinkedHashMap<>();
        for (WorkloadSpec workload : workloads) {
            String key = workload.namespace() + "/" + workload.serviceName();
            String app = podLabels(workload).get("app");
            WorkloadSpec first = declaredBy.putIfAbsent(key, workload);
            if (first == null) {
                services.put(key, service(workload, app));
            } else if (first.servicePort() != workload.servicePort() || !podLabels(first).get("app").equals(app)) {
                throw new IllegalArgumentException("workload " + workload.name() + " declares Service " + key + " with port "
                        + workload.servicePort() + " and app '" + app + "', but workload " + first.name() + " declares it with port "
                        + first.servicePort() + " and app '" + podLabels(first).get("app")
                        + "'; allowed: workloads sharing a Service use the same port and app label");
            }
        }
        return services;
    }

    private static Service service(WorkloadSpec workload, String app) {
        return new ServiceBuilder()
                .withNewMetadata().withName(workload.serviceName()).withNamespace(workload.namespace())
                .addToLabels("app", app).endMetadata()
                .withNewSpec().addToSelector("app", app)
                // The "http" name tells Istio the protocol, so requests get HTTP routing, faults and metrics.
                .addNewPort().withName("http").withPort(workload.servicePort())
                .withTargetPort(new IntOrString(CONTAINER_PORT)).endPort()
                .endSpec()
                .build();
    }
}
