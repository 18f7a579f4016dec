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
 * <p>These are written and read untyped, as the few fields the control plane uses: Jackson's
 * deserializers for the typed Pod and Service models take 0.3–0.5 s of CPU to build in a fresh JVM
 * (docs/local-mesh-benchmark.md), on the start path of every cold local mesh.
 */
final class WorkloadPods {
    static final String ANNOTATION_PREFIX = "local-mesh.k1s0.io/";
    static final String INBOUND_PORT = ANNOTATION_PREFIX + "inbound-port";
    static final String WORKLOAD = ANNOTATION_PREFIX + "workload";
    static final String POD_IP = "127.0.0.1";

    static final ResourceDefinitionContext PODS = core("Pod", "pods", true);
    static final ResourceDefinitionContext SERVICES = core("Service", "services", true);
    static final ResourceDefinitionContext NAMESPACES = core("Namespace", "namespaces", false);

    private WorkloadPods() {}

    private static ResourceDefinitionContext core(String kind, String plural, boolean namespaced) {
        return new ResourceDefinitionContext.Builder()
                .withGroup("").withVersion("v1").withKind(kind).withPlural(plural).withNamespaced(namespaced).build();
    }

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
        return resource("Pod", meta, Map.of("spec", podSpec, "status", status));
    }

    /** A namespace with sidecar injection enabled, as the platform labels its workload namespaces. */
    static GenericKubernetesResource namespace(String name) {
        ObjectMeta meta = new ObjectMetaBuilder().withName(name).addToLabels("istio-injection", "enabled").build();
        return resource("Namespace", meta, Map.of());
    }

    static GenericKubernetesResource service(WorkloadSpec spec) {
        ObjectMeta meta = new ObjectMetaBuilder().withName(spec.serviceName()).withNamespace(spec.namespace()).build();
        Map<String, Object> port = Map.of("name", "http", "protocol", "TCP", "port", spec.servicePort(), "targetPort", spec.servicePort());
        return resource("Service", meta, Map.of("spec", Map.of("selector", Map.of("app", spec.app()), "ports", List.of(port))));
    }

    private static Map<String, Object> container(String name, String image, int port, String portName) {
        return Map.of("name", name, "image", image, "ports", List.of(Map.of("containerPort", port, "name", portName)));
    }

    private static Map<String, Object> condition(String type, String now) {
        return Map.of("type", type, "status", "True", "lastTransitionTime", now);
    }

    private static GenericKubernetesResource resource(String kind, ObjectMeta meta, Map<String, Object> fields) {
        GenericKubernetesResource r = new GenericKubernetesResource();
        r.setApiVersion("v1");
        r.setKind(kind);
        r.setMetadata(meta);
        fields.forEach(r::setAdditionalProperty);
        return r;
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

    /** A Service's selector and first port, if it has a port; {@code spec.ports[0].port} must be a number. */
    record ServiceShape(Map<String, String> selector, int port) {}

    static Optional<ServiceShape> shape(GenericKubernetesResource service) {
        if (!(service.get("spec", "ports") instanceof List<?> ports) || ports.isEmpty()
                || !(ports.get(0) instanceof Map<?, ?> first) || !(first.get("port") instanceof Number port)) {
            return Optional.empty();
        }
        Map<String, String> selector = new LinkedHashMap<>();
        if (service.get("spec", "selector") instanceof Map<?, ?> labels) {
            labels.forEach((k, v) -> selector.put(String.valueOf(k), String.valueOf(v)));
        }
        return Optional.of(new ServiceShape(selector, port.intValue()));
    }
}
