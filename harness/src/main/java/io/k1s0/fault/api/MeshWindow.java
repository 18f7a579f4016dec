package io.k1s0.fault.api;

import io.k1s0.fault.traffic.TrafficResult;
import io.k1s0.fault.verdict.FaultWindow;
import java.time.Instant;

/**
 * A measurement window on the mesh's telemetry. Injected into a test method, it is the test's fault window:
 * opened after the test's faults are proven live and before the test body, closed when {@link #result()} is
 * first called (or after the body). Its result carries the faulted host as target, the workload the test
 * sent traffic from ({@link Mesh#from}) as caller, and the configured fault percentages, so verdicts read:
 *
 * <pre>{@code
 * @Test
 * @DelayFault(host = "order-server", namespace = "k1s0-service", percent = 10, fixedDelay = "500ms")
 * void delaysShowUp(Mesh mesh, MeshWindow window) {
 *     TrafficResult sent = mesh.from("order-client", "k1s0-service")
 *             .send(mesh.request("order-server", "k1s0-service")).atRate(200).forRequests(2_000).run();
 *     assertThat(window.result(sent)).delayFraction().isConsistentWithConfigured();
 * }
 * }</pre>
 *
 * The numbers are read from {@link Mesh#metrics()} for [{@link #start()}, end] only when asked for.
 */
public interface MeshWindow {

    /** When the window opened. */
    Instant start();

    /**
     * Closes the window (first call only; later calls return the same result) and reads its telemetry.
     *
     * @throws IllegalStateException when the caller is unknown: no traffic, or traffic from several
     *     workloads was sent through {@link Mesh#from}; name it with {@link #edge(String, String)}
     */
    FaultWindow result();

    /** {@link #result()} with the client-side latency of {@code traffic} attached, shown beside the mesh's P99. */
    FaultWindow result(TrafficResult traffic);

    /**
     * Names the edge to judge: the caller's workload and the target Service; before {@link #result()}.
     *
     * @return this window
     */
    MeshWindow edge(String caller, String target);
}
