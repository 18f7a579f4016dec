package io.k1s0.fault.environment;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/** What a person needs when the mesh did not come up: pods not ready, recent events, helm-install logs. */
final class Diagnostics {

    static final List<String> PLATFORM_NAMESPACES = List.of(IstioCharts.HELM_NAMESPACE, IstioCharts.MESH_NAMESPACE,
            PrometheusResources.NAMESPACE);
    private static final int EVENTS_PER_NAMESPACE = 15;
    private static final int LOG_LINES = 40;

    private Diagnostics() {
    }

    /** @param meshedNamespaces the workloads' namespaces, reported after the platform's */
    static String collect(KubernetesClient client, List<String> meshedNamespaces) {
        StringBuilder out = new StringBuilder();
        for (String namespace : Stream.concat(PLATFORM_NAMESPACES.stream(), meshedNamespaces.stream()).distinct().toList()) {
            out.append("== namespace ").append(namespace).append('\n');
            try {
                appendPods(client, namespace, out);
                appendEvents(client, namespace, out);
            } catch (KubernetesClientException e) {
                out.append("  (cannot read: ").append(e.getMessage()).append(")\n");
            }
        }
        appendHelmInstallLogs(client, out);
        return out.toString();
    }

    private static void appendPods(KubernetesClient client, String namespace, StringBuilder out) {
        List<Pod> notReady = client.pods().inNamespace(namespace).list().getItems().stream()
                .filter(pod -> !Readiness.isReady(pod) && !"Succeeded".equals(phase(pod)))
                .toList();
        out.append("  pods not ready: ").append(notReady.isEmpty() ? "none" : notReady.size()).append('\n');
        for (Pod pod : notReady) {
            out.append("    ").append(pod.getMetadata().getName()).append(": ")
                    .append(Readiness.describeConditions(pod)).append('\n');
        }
    }

    private static void appendEvents(KubernetesClient client, String namespace, StringBuilder out) {
        List<Event> events = client.v1().events().inNamespace(namespace).list().getItems().stream()
                .sorted(Comparator.comparing(Diagnostics::when).reversed())
                .limit(EVENTS_PER_NAMESPACE)
                .toList();
        out.append("  recent events: ").append(events.isEmpty() ? "none" : events.size()).append('\n');
        for (Event event : events) {
            out.append("    ").append(when(event)).append(' ').append(event.getType()).append(' ')
                    .append(event.getInvolvedObject() == null ? "?" : event.getInvolvedObject().getKind() + "/"
                            + event.getInvolvedObject().getName())
                    .append(' ').append(event.getReason()).append(": ").append(event.getMessage()).append('\n');
        }
    }

    /** k3s installs each HelmChart through a helm-install-<name> Job; its log says why a chart failed. */
    private static void appendHelmInstallLogs(KubernetesClient client, StringBuilder out) {
        out.append("== helm-install job logs (").append(IstioCharts.HELM_NAMESPACE).append(")\n");
        List<Pod> pods;
        try {
            pods = client.pods().inNamespace(IstioCharts.HELM_NAMESPACE).list().getItems().stream()
                    .filter(pod -> pod.getMetadata().getName().startsWith("helm-install-"))
                    .toList();
        } catch (KubernetesClientException e) {
            out.append("  (cannot list pods: ").append(e.getMessage()).append(")\n");
            return;
        }
        if (pods.isEmpty()) {
            out.append("  no helm-install pods\n");
        }
        for (Pod pod : pods) {
            String name = pod.getMetadata().getName();
            out.append("  -- ").append(name).append(" (").append(phase(pod)).append(")\n");
            try {
                String log = client.pods().inNamespace(IstioCharts.HELM_NAMESPACE).withName(name)
                        .tailingLines(LOG_LINES).getLog();
                out.append(log == null || log.isBlank() ? "  (empty log)\n" : log.indent(4));
            } catch (KubernetesClientException e) {
                out.append("    (log unavailable: ").append(e.getMessage()).append(")\n");
            }
        }
    }

    private static String phase(Pod pod) {
        return pod.getStatus() == null ? "unknown" : pod.getStatus().getPhase();
    }

    private static String when(Event event) {
        return Optional.ofNullable(event.getLastTimestamp())
                .or(() -> Optional.ofNullable(event.getEventTime()).map(time -> time.getTime()))
                .or(() -> Optional.ofNullable(event.getMetadata().getCreationTimestamp()))
                .orElse("");
    }
}
