package io.k1s0.fault.localmesh;

import java.util.Map;

/**
 * One ready replica behind a Service, as the control plane hands it to the data plane: the pod, its
 * labels (subsets select on them) and the loopback address of that replica's inbound sidecar listener.
 */
record Endpoint(String podName, String namespace, String workload, Map<String, String> labels, String address, int port, String hostKey) {
    Endpoint {
        labels = Map.copyOf(labels);
        if (!hostKey.equals(address + ":" + port)) {
            throw new IllegalArgumentException("hostKey must be address:port (" + address + ":" + port + "), got " + hostKey);
        }
    }

    /**
     * {@code hostKey} is {@code address:port}, the key of the host's load-balancing and outlier state: made once here,
     * as several look-ups of every request use it.
     */
    Endpoint(String podName, String namespace, String workload, Map<String, String> labels, String address, int port) {
        this(podName, namespace, workload, labels, address, port, address + ":" + port);
    }

    String version() {
        return labels.getOrDefault("version", "unknown");
    }
}
