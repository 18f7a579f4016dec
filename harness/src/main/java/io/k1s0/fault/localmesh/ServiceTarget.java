package io.k1s0.fault.localmesh;

import java.util.List;

/** A Kubernetes Service resolved to its port and ready endpoints (the Envoy "cluster" before subsets). */
record ServiceTarget(String name, String namespace, int port, List<Endpoint> endpoints) {
    ServiceTarget {
        endpoints = List.copyOf(endpoints);
    }

    String fqdn() {
        return name + "." + namespace + ".svc.cluster.local";
    }

    /** Envoy's cluster name as Istio names it, e.g. {@code outbound|80|stable|order-server.k1s0-service.svc.cluster.local}. */
    String clusterName(String subset) {
        return "outbound|" + port + "|" + (subset == null ? "" : subset) + "|" + fqdn();
    }
}
