package io.k1s0.fault.environment;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * What bringing up the k3s mesh means, as data: ordered steps, each applied and then waited for.
 *
 * <p>Order matters: k3s does not order HelmCharts, so istiod is applied only once base's CRDs are
 * established; namespaces come before the injection probe (which needs an injected namespace); workloads
 * come after the webhook answers (a pod created earlier would have no sidecar).
 */
record InstallPlan(List<InstallStep> steps) {

    static final String HELM_CHART_CRD = "helmcharts.helm.cattle.io";
    /** k3s's CoreDNS Deployment in kube-system. */
    static final String K3S_DNS = "coredns";

    InstallPlan {
        steps = List.copyOf(steps);
    }

    /**
     * @param manifestsDirectory resources applied last, or empty for none (the JUnit path: each test class applies
     *     its own {@code @MeshResource}s and deletes them afterwards, as on the local mesh)
     */
    static InstallPlan standard(KubernetesClient client, Optional<Path> manifestsDirectory, MeshWorkloads workloads) {
        String mesh = IstioCharts.MESH_NAMESPACE;
        List<HasMetadata> manifests = manifestsDirectory.map(directory -> ManifestFiles.load(client, directory))
                .orElse(List.of());
        List<String> meshedNamespaces = workloads.namespaces();
        List<Readiness> deployments = new ArrayList<>();
        workloads.deploymentsByNamespace().forEach((namespace, names) ->
                deployments.add(Readiness.deploymentsReady(namespace, names.toArray(String[]::new))));
        meshedNamespaces.forEach(namespace -> deployments.add(Readiness.deploymentsReady(namespace, RelayResources.NAME)));
        deployments.add(Readiness.podsReadyWithSidecars(meshedNamespaces));
        // The relays resolve service names through CoreDNS; a workload that is Ready cannot be reached without it.
        deployments.add(Readiness.deploymentsReady(IstioCharts.HELM_NAMESPACE, K3S_DNS));
        return new InstallPlan(List.of(
                // Testcontainers' start signal is a node log line; k3s registers the HelmChart kind on its own time.
                new InstallStep("k3s", List.of(), Readiness.crdsEstablished(HELM_CHART_CRD)),
                new InstallStep("istio-base", List.of(IstioCharts.base()),
                        Readiness.crdsEstablished("virtualservices.networking.istio.io",
                                "destinationrules.networking.istio.io")),
                new InstallStep("istiod", List.of(IstioCharts.istiod()),
                        Readiness.deploymentsReady(mesh, "istiod")),
                new InstallStep("namespaces", workloads.namespaceResources(),
                        Readiness.allOf(Readiness.injectionWebhookRegistered(mesh),
                                Readiness.injectionAnswers(MeshWorkloads.K1S0_NAMESPACES.get(0)))),
                new InstallStep("prometheus", PrometheusResources.all(),
                        Readiness.deploymentsReady(PrometheusResources.NAMESPACE, PrometheusResources.NAME)),
                new InstallStep("workloads",
                        Stream.concat(workloads.resources().stream(), RelayResources.all(meshedNamespaces).stream()).toList(),
                        Readiness.allOf(deployments.toArray(Readiness[]::new))),
                new InstallStep("manifests", manifests, InstallStep.nothingToWaitFor())));
    }

    List<String> stepNames() {
        return steps.stream().map(InstallStep::name).toList();
    }

    InstallStep step(String name) {
        return steps.stream().filter(step -> step.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no install step '" + name + "'; steps are " + stepNames()));
    }
}
