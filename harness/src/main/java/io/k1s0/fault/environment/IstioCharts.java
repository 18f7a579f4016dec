package io.k1s0.fault.environment;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import java.util.List;
import java.util.Map;

/**
 * Istio's {@code base} and {@code istiod} charts as k3s {@code HelmChart} resources (no helm binary):
 * k3s runs each as a {@code helm-install-<name>} Job in {@code kube-system}.
 *
 * <p>Both charts get {@code global.istioNamespace=service-mesh}: istiod's ClusterRoleBinding and the
 * base chart's validating webhook point at {@code global.istioNamespace}, not the release namespace.
 */
final class IstioCharts {

    static final String MESH_NAMESPACE = "service-mesh";
    static final String HELM_NAMESPACE = "kube-system";
    static final String BASE = "istio-base";
    static final String ISTIOD = "istiod";

    /** Envoy stats that Istio hides by default and the verdicts need (retries, ejections, overflows). */
    static final List<String> STATS_INCLUSION_REGEXPS = List.of(
            ".*outlier_detection.*", ".*upstream_rq_retry.*", ".*upstream_rq_pending.*", ".*circuit_breakers.*");

    private IstioCharts() {
    }

    static GenericKubernetesResource base() {
        return helmChart(BASE, "base", baseValues());
    }

    /** {@code defaultRevision: default} as Istio's Helm install guide sets it: the default-revision validator. */
    static Map<String, Object> baseValues() {
        return Map.of("global", Map.of("istioNamespace", MESH_NAMESPACE), "defaultRevision", "default");
    }

    static GenericKubernetesResource istiod() {
        return helmChart(ISTIOD, "istiod", istiodValues());
    }

    static Map<String, Object> istiodValues() {
        return Map.of(
                // Requests sized for a 2-core CI runner: the chart defaults (istiod 500m/2Gi, each sidecar
                // 100m/128Mi) would leave 15 meshed pods Pending for CPU there. Limits stay the chart's.
                "global", Map.of("istioNamespace", MESH_NAMESPACE,
                        "proxy", Map.of("resources", requests("10m", "64Mi"))),
                // Istio 1.24 injects native sidecars only with this flag (the default flips in 1.27).
                "pilot", Map.of("env", Map.of("ENABLE_NATIVE_SIDECARS", "true"),
                        "autoscaleEnabled", false,
                        "resources", requests("100m", "256Mi")),
                "meshConfig", Map.of(
                        "accessLogFile", "/dev/stdout",
                        "defaultConfig", Map.of(
                                // Ignored for native sidecars (which start first anyway); kept for pods that opt out.
                                "holdApplicationUntilProxyStarts", true,
                                "proxyStatsMatcher", Map.of("inclusionRegexps", STATS_INCLUSION_REGEXPS))));
    }

    private static Map<String, Object> requests(String cpu, String memory) {
        return Map.of("requests", Map.of("cpu", cpu, "memory", memory));
    }

    private static GenericKubernetesResource helmChart(String name, String chart, Map<String, Object> values) {
        return new GenericKubernetesResourceBuilder()
                .withApiVersion("helm.cattle.io/v1")
                .withKind("HelmChart")
                .withNewMetadata().withName(name).withNamespace(HELM_NAMESPACE).endMetadata()
                .addToAdditionalProperties("spec", Map.of(
                        "repo", PinnedImages.ISTIO_CHART_REPO,
                        "chart", chart,
                        "version", PinnedImages.ISTIO_CHART_VERSION,
                        "targetNamespace", MESH_NAMESPACE,
                        "createNamespace", true,
                        "valuesContent", Yaml.write(values)))
                .build();
    }
}
