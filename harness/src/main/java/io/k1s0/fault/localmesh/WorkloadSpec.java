package io.k1s0.fault.localmesh;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * One workload of the local mesh: {@code replicas} pods labelled {@code app} and {@code version} (defaults:
 * the name and {@code v1}), behind the Service {@code serviceName:servicePort}. Workloads that declare the
 * same Service (and the same {@code app} label) share it, e.g. a good and a bad replica set of one service.
 *
 * @param defaultEcho Fortio echo parameters applied when a request does not carry them, e.g.
 *     {@code status=503:100} for a replica set that always fails; empty for none
 */
public record WorkloadSpec(
        String name, String namespace, Map<String, String> labels, String serviceName, int servicePort, int replicas, String defaultEcho) {

    private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");

    public WorkloadSpec {
        requireDnsLabel("name", name);
        requireDnsLabel("namespace", namespace);
        labels = labels == null ? Map.of() : Map.copyOf(labels);
        serviceName = serviceName == null || serviceName.isBlank() ? name : serviceName;
        requireDnsLabel("serviceName", serviceName);
        if (servicePort < 1 || servicePort > 65535) {
            throw new IllegalArgumentException("workload " + name + ": servicePort " + servicePort + " is outside 1..65535");
        }
        if (replicas < 1 || replicas > 100) {
            throw new IllegalArgumentException("workload " + name + ": replicas " + replicas + " is outside 1..100");
        }
        defaultEcho = defaultEcho == null ? "" : defaultEcho.trim();
        try {
            EchoBehaviour.parseDefaults(defaultEcho);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("workload " + name + ": defaultEcho '" + defaultEcho + "' is invalid: " + e.getMessage(), e);
        }
    }

    /** One replica, Service named like the workload on port 80, no labels beyond the defaults, no default echo. */
    public static WorkloadSpec of(String name, String namespace) {
        return new WorkloadSpec(name, namespace, Map.of(), name, 80, 1, "");
    }

    public WorkloadSpec withLabels(Map<String, String> newLabels) {
        return new WorkloadSpec(name, namespace, newLabels, serviceName, servicePort, replicas, defaultEcho);
    }

    public WorkloadSpec withService(String newServiceName, int newServicePort) {
        return new WorkloadSpec(name, namespace, labels, newServiceName, newServicePort, replicas, defaultEcho);
    }

    public WorkloadSpec withReplicas(int newReplicas) {
        return new WorkloadSpec(name, namespace, labels, serviceName, servicePort, newReplicas, defaultEcho);
    }

    public WorkloadSpec withDefaultEcho(String newDefaultEcho) {
        return new WorkloadSpec(name, namespace, labels, serviceName, servicePort, replicas, newDefaultEcho);
    }

    /** The pod labels: the given ones with {@code app} (default: name) and {@code version} (default: v1). */
    Map<String, String> podLabels() {
        Map<String, String> all = new LinkedHashMap<>(labels);
        all.putIfAbsent("app", name);
        all.putIfAbsent("version", "v1");
        return all;
    }

    String app() {
        return podLabels().get("app");
    }

    String version() {
        return podLabels().get("version");
    }

    private static void requireDnsLabel(String field, String value) {
        if (value == null || value.length() > 63 || !DNS_LABEL.matcher(value).matches()) {
            throw new IllegalArgumentException("workload " + field + " '" + value
                    + "' is not a DNS-1123 label (lower-case letters, digits and '-', at most 63 characters)");
        }
    }
}
