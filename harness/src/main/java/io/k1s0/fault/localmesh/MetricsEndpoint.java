package io.k1s0.fault.localmesh;

import java.net.URI;

/** Where one sidecar of the local mesh serves its Prometheus metrics, and whose they are. */
public record MetricsEndpoint(String namespace, String pod, String workload, URI url) {}
