package io.k1s0.fault.localmesh;

import java.util.Map;

/**
 * One ready replica behind a Service, as the control plane hands it to the data plane: the pod, its
 * labels (subsets select on them) and the loopback address of that replica's inbound sidecar listener.
 */
record Endpoint(String podName, String namespace, String workload, Map<String, String> labels, String address, int port) {
    Endpoint {
        labels = Map.copyOf(labels);
    }

    String version() {
        return labels.getOrDefault("version", "unknown");
    }
}
