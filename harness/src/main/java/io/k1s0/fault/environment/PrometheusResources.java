package io.k1s0.fault.environment;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBuilder;
import java.util.List;
import java.util.Map;

/**
 * A single Prometheus in {@code observability} that scrapes every pod annotated {@code prometheus.io/scrape=true}
 * — Istio's injector sets these annotations on meshed pods (metrics merging on port 15020).
 */
final class PrometheusResources {

    static final String NAMESPACE = "observability";
    static final String NAME = "prometheus";
    static final int PORT = 9090;
    /** Short so a test's time window fills with samples in seconds, not minutes. */
    static final String SCRAPE_INTERVAL = "2s";

    private PrometheusResources() {
    }

    static List<HasMetadata> all() {
        Map<String, String> labels = Map.of("app", NAME);
        return List.of(
                new NamespaceBuilder().withNewMetadata().withName(NAMESPACE).endMetadata().build(),
                new ServiceAccountBuilder().withNewMetadata().withName(NAME).withNamespace(NAMESPACE).endMetadata().build(),
                new ClusterRoleBuilder().withNewMetadata().withName("fault-harness-prometheus").endMetadata()
                        .addNewRule().withApiGroups("").withResources("pods", "services", "endpoints", "nodes")
                        .withVerbs("get", "list", "watch").endRule()
                        .build(),
                new ClusterRoleBindingBuilder().withNewMetadata().withName("fault-harness-prometheus").endMetadata()
                        .withNewRoleRef().withApiGroup("rbac.authorization.k8s.io").withKind("ClusterRole")
                        .withName("fault-harness-prometheus").endRoleRef()
                        .addNewSubject().withKind("ServiceAccount").withName(NAME).withNamespace(NAMESPACE).endSubject()
                        .build(),
                new ConfigMapBuilder().withNewMetadata().withName(NAME).withNamespace(NAMESPACE).endMetadata()
                        .addToData("prometheus.yml", Yaml.write(config()))
                        .build(),
                new DeploymentBuilder().withNewMetadata().withName(NAME).withNamespace(NAMESPACE).endMetadata()
                        .withNewSpec().withReplicas(1)
                        .withNewSelector().withMatchLabels(labels).endSelector()
                        .withNewTemplate().withNewMetadata().withLabels(labels).endMetadata()
                        .withNewSpec().withServiceAccountName(NAME)
                        .addNewContainer().withName(NAME).withImage(PinnedImages.PROMETHEUS)
                        .withArgs("--config.file=/etc/prometheus/prometheus.yml",
                                "--storage.tsdb.path=/prometheus",
                                "--storage.tsdb.retention.time=2h")
                        .addNewPort().withName("http").withContainerPort(PORT).endPort()
                        .withNewReadinessProbe().withNewHttpGet().withPath("/-/ready")
                        .withPort(new IntOrString(PORT)).endHttpGet().withPeriodSeconds(2).endReadinessProbe()
                        .addNewVolumeMount().withName("config").withMountPath("/etc/prometheus").endVolumeMount()
                        .addNewVolumeMount().withName("data").withMountPath("/prometheus").endVolumeMount()
                        .endContainer()
                        .addNewVolume().withName("config").withNewConfigMap().withName(NAME).endConfigMap().endVolume()
                        .addNewVolume().withName("data").withNewEmptyDir().endEmptyDir().endVolume()
                        .endSpec().endTemplate().endSpec()
                        .build(),
                new ServiceBuilder().withNewMetadata().withName(NAME).withNamespace(NAMESPACE).endMetadata()
                        .withNewSpec().withSelector(labels)
                        .addNewPort().withName("http").withPort(PORT).withTargetPort(new IntOrString(PORT)).endPort()
                        .endSpec()
                        .build());
    }

    /** The scrape configuration: one job over pods, keeping only the annotated ones that are running. */
    static Map<String, Object> config() {
        return Map.of(
                "global", Map.of(
                        "scrape_interval", SCRAPE_INTERVAL,
                        "scrape_timeout", "2s",
                        "evaluation_interval", SCRAPE_INTERVAL),
                "scrape_configs", List.of(Map.of(
                        "job_name", "kubernetes-pods",
                        "honor_labels", true,
                        "kubernetes_sd_configs", List.of(Map.of("role", "pod")),
                        "relabel_configs", List.of(
                                Map.of("action", "keep", "regex", "true",
                                        "source_labels", List.of("__meta_kubernetes_pod_annotation_prometheus_io_scrape")),
                                // Finished pods (a Job's) stop answering; scraping them only adds errors.
                                Map.of("action", "drop", "regex", "Pending|Succeeded|Failed|Completed",
                                        "source_labels", List.of("__meta_kubernetes_pod_phase")),
                                Map.of("action", "replace", "regex", "(.+)", "target_label", "__metrics_path__",
                                        "source_labels", List.of("__meta_kubernetes_pod_annotation_prometheus_io_path")),
                                Map.of("action", "replace", "regex", "([^:]+)(?::\\d+)?;(\\d+)",
                                        "replacement", "$1:$2", "target_label", "__address__",
                                        "source_labels", List.of("__address__",
                                                "__meta_kubernetes_pod_annotation_prometheus_io_port")),
                                Map.of("action", "labelmap", "regex", "__meta_kubernetes_pod_label_(.+)"),
                                Map.of("action", "replace", "target_label", "namespace",
                                        "source_labels", List.of("__meta_kubernetes_namespace")),
                                Map.of("action", "replace", "target_label", "pod",
                                        "source_labels", List.of("__meta_kubernetes_pod_name"))))));
    }
}
