package io.k1s0.fault.localmesh;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * How a local replica appears in the embedded API: a Running, Ready Pod on 127.0.0.1 whose annotations say
 * where its sidecar listens, and a Service selecting the workload's pods.
 */
final class WorkloadPods {
    static final String ANNOTATION_PREFIX = "local-mesh.k1s0.io/";
    static final String INBOUND_PORT = ANNOTATION_PREFIX + "inbound-port";
    static final String WORKLOAD = ANNOTATION_PREFIX + "workload";
    static final String POD_IP = "127.0.0.1";

    private WorkloadPods() {}

    static Pod pod(WorkloadSpec spec, String podName, int inboundPort, int metricsPort) {
        String now = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
        Map<String, String> annotations = new LinkedHashMap<>();
        annotations.put(WORKLOAD, spec.name());
        annotations.put(INBOUND_PORT, Integer.toString(inboundPort));
        annotations.put("prometheus.io/scrape", "true");
        annotations.put("prometheus.io/port", Integer.toString(metricsPort));
        annotations.put("prometheus.io/path", "/stats/prometheus");
        annotations.put("sidecar.istio.io/status", "{\"containers\":[\"istio-proxy\"]}");
        return new PodBuilder()
                .withNewMetadata()
                .withName(podName)
                .withNamespace(spec.namespace())
                .withLabels(spec.podLabels())
                .withAnnotations(annotations)
                .endMetadata()
                .withNewSpec()
                .addNewContainer().withName(spec.name()).withImage("local-mesh/echo").addNewPort().withContainerPort(spec.servicePort()).withName("http").endPort().endContainer()
                .addNewContainer().withName("istio-proxy").withImage("local-mesh/sidecar")
                .addNewPort().withContainerPort(metricsPort).withName("http-envoy-prom").endPort().endContainer()
                .endSpec()
                .withNewStatus()
                .withPhase("Running")
                .withPodIP(POD_IP)
                .withHostIP(POD_IP)
                .withStartTime(now)
                .addNewCondition().withType("Ready").withStatus("True").withLastTransitionTime(now).endCondition()
                .addNewCondition().withType("ContainersReady").withStatus("True").withLastTransitionTime(now).endCondition()
                .endStatus()
                .build();
    }

    static Service service(WorkloadSpec spec) {
        return new ServiceBuilder()
                .withNewMetadata().withName(spec.serviceName()).withNamespace(spec.namespace()).endMetadata()
                .withNewSpec()
                .withSelector(Map.of("app", spec.app()))
                .addNewPort().withName("http").withProtocol("TCP").withPort(spec.servicePort())
                .withNewTargetPort(spec.servicePort()).endPort()
                .endSpec()
                .build();
    }

    static boolean selects(Map<String, String> selector, Pod pod) {
        Map<String, String> labels = pod.getMetadata().getLabels();
        return labels != null && labels.entrySet().containsAll(selector.entrySet());
    }

    static boolean isReady(Pod pod) {
        if (pod.getMetadata().getDeletionTimestamp() != null || pod.getStatus() == null) {
            return false;
        }
        return "Running".equals(pod.getStatus().getPhase())
                && pod.getStatus().getConditions() != null
                && pod.getStatus().getConditions().stream().anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
    }

    /** The pod as an endpoint, if it has a local sidecar (pods applied from manifests have none). */
    static Optional<Endpoint> endpoint(Pod pod) {
        Map<String, String> annotations = pod.getMetadata().getAnnotations();
        if (annotations == null || !annotations.containsKey(INBOUND_PORT)) {
            return Optional.empty();
        }
        Map<String, String> labels = pod.getMetadata().getLabels() == null ? Map.of() : pod.getMetadata().getLabels();
        String workload = annotations.getOrDefault(WORKLOAD, labels.getOrDefault("app", pod.getMetadata().getName()));
        String ip = pod.getStatus().getPodIP() == null ? POD_IP : pod.getStatus().getPodIP();
        return Optional.of(new Endpoint(pod.getMetadata().getName(), pod.getMetadata().getNamespace(), workload, labels, ip,
                Integer.parseInt(annotations.get(INBOUND_PORT))));
    }
}
