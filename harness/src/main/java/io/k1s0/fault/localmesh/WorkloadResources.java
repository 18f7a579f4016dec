package io.k1s0.fault.localmesh;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * How a local replica appears in the embedded API: a Running, Ready Pod on 127.0.0.1 whose annotations say
 * where its sidecar listens, a Service selecting the workload's pods, and the workload's namespace.
 *
 * <p>They are written and read {@link Untyped untyped}, as the few fields the control plane uses: the typed Pod and
 * Service deserializers take 0.4–0.7 s of CPU to build in a fresh JVM, on the start path of every cold local mesh.
 */
final class WorkloadResources {
    static final String ANNOTATION_PREFIX = "local-mesh.k1s0.io/";
    static final String INBOUND_PORT = ANNOTATION_PREFIX + "inbound-port";
    static final String WORKLOAD = ANNOTATION_PREFIX + "workload";
    static final String POD_IP = "127.0.0.1";

    static final ResourceDefinitionContext PODS = Untyped.kind("", "v1", "Pod", "pods", true);
    static final ResourceDefinitionContext SERVICES = Untyped.kind("", "v1", "Service", "services", true);
    static final ResourceDefinitionContext NAMESPACES = Untyped.kind("", "v1", "Namespace", "namespaces", false);

    private WorkloadResources() {}

    static GenericKubernetesResource pod(WorkloadSpec spec, String podName, int inboundPort, int metricsPort) {
        String now = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
        Map<String, String> annotations = new LinkedHashMap<>();
        annotations.put(WORKLOAD, spec.name());
        annotations.put(INBOUND_PORT, Integer.toString(inboundPort));
        annotations.put("prometheus.io/scrape", "true");
        annotations.put("prometheus.io/port", Integer.toString(metricsPort));
        annotations.put("prometheus.io/path", "/stats/prometheus");
        annotations.put("sidecar.istio.io/status", "{\"containers\":[\"istio-proxy\"]}");
        ObjectMeta meta = new ObjectMetaBuilder().withName(podName).withNamespace(spec.namespace())
                .withLabels(spec.podLabels()).withAnnotations(annotations).build();
        Map<String, Object> podSpec = Map.of("containers", List.of(
                container(spec.name(), "local-mesh/echo", spec.servicePort(), "http"),
                container("istio-proxy", "local-mesh/sidecar", metricsPort, "http-envoy-prom")));
        Map<String, Object> status = new LinkedHashMap<>();
        status.put("phase", "Running");
        status.put("podIP", POD_IP);
        status.put("hostIP", POD_IP);
        status.put("startTime", now);
        status.put("conditions", List.of(condition("Ready", now), condition("ContainersReady", now)));
        return Untyped.object("v1", "Pod", meta, Map.of("spec", podSpec, "status", status));
    }

    /** A namespace with sidecar injection enabled, as the platform labels its workload namespaces. */
    static GenericKubernetesResource namespace(String name) {
        ObjectMeta meta = new ObjectMetaBuilder().withName(name).addToLabels("istio-injection", "enabled").build();
        return Untyped.object("v1", "Namespace", meta, Map.of());
    }

    static GenericKubernetesResource service(WorkloadSpec spec) {
        ObjectMeta meta = new ObjectMetaBuilder().withName(spec.serviceName()).withNamespace(spec.namespace()).build();
        Map<String, Object> port = Map.of("name", "http", "protocol", "TCP", "port", spec.servicePort(), "targetPort", spec.servicePort());
        return Untyped.object("v1", "Service", meta, Map.of("spec", Map.of("selector", Map.of("app", spec.app()), "ports", List.of(port))));
    }

    private static Map<String, Object> container(String name, String image, int port, String portName) {
        return Map.of("name", name, "image", image, "ports", List.of(Map.of("containerPort", port, "name", portName)));
    }

    private static Map<String, Object> condition(String type, String now) {
        return Map.of("type", type, "status", "True", "lastTransitionTime", now);
    }

    static boolean selects(Map<String, String> selector, GenericKubernetesResource pod) {
        Map<String, String> labels = pod.getMetadata().getLabels();
        return labels != null && labels.entrySet().containsAll(selector.entrySet());
    }

    static boolean isReady(GenericKubernetesResource pod) {
        if (pod.getMetadata().getDeletionTimestamp() != null || !"Running".equals(pod.get("status", "phase"))) {
            return false;
        }
        return pod.get("status", "conditions") instanceof List<?> conditions && conditions.stream()
                .anyMatch(c -> c instanceof Map<?, ?> m && "Ready".equals(m.get("type")) && "True".equals(m.get("status")));
    }

    /** The pod as an endpoint, if it has a local sidecar (pods applied from manifests have none). */
    static Optional<Endpoint> endpoint(GenericKubernetesResource pod) {
        Map<String, String> annotations = pod.getMetadata().getAnnotations();
        if (annotations == null || !annotations.containsKey(INBOUND_PORT)) {
            return Optional.empty();
        }
        Map<String, String> labels = pod.getMetadata().getLabels() == null ? Map.of() : pod.getMetadata().getLabels();
        String workload = annotations.getOrDefault(WORKLOAD, labels.getOrDefault("app", pod.getMetadata().getName()));
        String ip = pod.get("status", "podIP") instanceof String podIp ? podIp : POD_IP;
        return Optional.of(new Endpoint(pod.getMetadata().getName(), pod.getMetadata().getNamespace(), workload, labels, ip,
                Integer.parseInt(annotations.get(INBOUND_PORT))));
    }

    /** A Service's selector and first port. */
    record ServiceShape(Map<String, String> selector, int port) {}

    /**
     * The Service's selector and first port, if it has one. A port written as a string of digits counts, as fabric8's
     * typed Service read it; a real API server would have refused it.
     */
    static Optional<ServiceShape> shape(GenericKubernetesResource service) {
        if (!(service.get("spec", "ports") instanceof List<?> ports) || ports.isEmpty() || !(ports.get(0) instanceof Map<?, ?> first)) {
            return Optional.empty();
        }
        Object portValue = first.get("port");
        int port;
        if (portValue instanceof Number n) {
            port = n.intValue();
        } else if (portValue instanceof String digits && digits.matches("\\d{1,5}")) {
            port = Integer.parseInt(digits);
        } else {
            return Optional.empty();
        }
        Map<String, String> selector = new LinkedHashMap<>();
        if (service.get("spec", "selector") instanceof Map<?, ?> labels) {
            labels.forEach((k, v) -> selector.put(String.valueOf(k), String.valueOf(v)));
        }
        return Optional.of(new ServiceShape(selector, port));
    }
}
