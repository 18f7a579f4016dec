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

    /**
     * {@code @ResourceLock} keys, one per host, in the format of the harness's own lock per faulted host
     * ({@code MeshFaultExtension.FaultedHosts}; {@code ChainLocksTest} checks it). A class that applies a resource for a
     * host, or counts the host's telemetry, names the host's lock, so it never overlaps another class doing the same or
     * a test that faults the host.
     */
    static final String LOCK_ORDER_SERVER = "fault.k1s0.io/host:order-server.k1s0-service";
    static final String LOCK_ORDER_BFF = "fault.k1s0.io/host:order-bff.k1s0-service";
    static final String LOCK_ACCOUNTING = "fault.k1s0.io/host:accounting-server.k1s0-business";
    static final String LOCK_AUTH = "fault.k1s0.io/host:auth-server.k1s0-system";

    /**
     * {@code @ResourceLock} key for the CPU the local mesh gets (it runs in the test JVM, on 2 shared cores). A class
     * sending planner-sized samples at {@link #SAMPLE_RATE} is CPU-bound: it takes the key READ_WRITE, so such classes
     * run one at a time. A class whose verdict rests on timing (backoff spacing, ejection times, timeouts) takes it
     * READ: those send little and may overlap one another, never a CPU-bound class, which would stretch their
     * forwarding times. Classes that send a handful of requests and judge only counts do not take it. A class that
     * cannot start at once waits for its keys one by one, in key order, holding those it has; this key sorts before the
     * host keys, so a class waiting for the CPU holds no host (a sampling class waiting behind a 10 s timing class
     * would otherwise keep order-server from the counting classes), and a class holding the CPU waits at most for a
     * counting class to leave its host.
     */
    static final String LOCK_CPU = "fault.k1s0.io/cpu-of-the-local-mesh";

    /**
     * Open-model rate (requests/s) for the planner-sized samples of fractions and counts. Those verdicts read counts,
     * not latency; the local mesh answers this rate in the test JVM on the shared 2-core machine with no request
     * dropped or failed (README "Speed"). The classes that sample hold {@link #LOCK_CPU} alone, so a higher rate
     * shortens the time every other class waits for them.
     */
    static final int SAMPLE_RATE = 1000;

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
