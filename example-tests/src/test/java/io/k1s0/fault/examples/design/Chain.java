package io.k1s0.fault.examples.design;

import io.k1s0.fault.api.Mesh;
import io.k1s0.fault.traffic.Traffic;
import java.time.Duration;

/** The design's call chain: workload names, namespaces, and the tier each hop's server belongs to. */
final class Chain {
    static final String INGRESS = "ingress";
    static final String SERVICE_NS = "k1s0-service";
    static final String BUSINESS_NS = "k1s0-business";
    static final String SYSTEM_NS = "k1s0-system";

    static final String KONG = "kong";
    static final String ORDER_BFF = "order-bff";
    static final String ORDER_SERVER = "order-server";
    static final String ORDER_SERVER_CANARY = "order-server-canary";
    static final String ACCOUNTING = "accounting-server";
    static final String AUTH = "auth-server";

    /** Echo path; Fortio's echo answers any path. */
    static final String PATH = "/orders";

    /** The local echo's response header naming the replica that answered (Fortio has none). */
    static final String POD_HEADER = "x-pod";
    /** The local echo's response header with the x-envoy-attempt-count the server saw (Fortio has none). */
    static final String SEEN_ATTEMPT_HEADER = "x-seen-attempt-count";

    private Chain() {}

    /**
     * The {@code source_workload} Istio reports for traffic sent with {@code mesh.from(workload, …)}: on k3s
     * the harness sends through its relay pod {@code fault-relay}, elsewhere from the workload's own sidecar.
     */
    static String reportedCaller(Mesh mesh, String workload) {
        return "k3s".equalsIgnoreCase(mesh.environment()) ? "fault-relay" : workload;
    }

    /**
     * {@code mesh.from(workload, namespace)} with patient connection and response timeouts: this machine is shared,
     * and a request that times out in the client is lost to the verdicts (its sidecar still reports it).
     */
    static Traffic from(Mesh mesh, String workload, String namespace) {
        return mesh.from(workload, namespace).connectTimeout(Duration.ofSeconds(10)).requestTimeout(Duration.ofSeconds(20));
    }

    static boolean isLocal(Mesh mesh) {
        return "local".equalsIgnoreCase(mesh.environment());
    }
}
