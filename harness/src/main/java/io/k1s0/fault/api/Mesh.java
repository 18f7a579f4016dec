package io.k1s0.fault.api;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.k1s0.fault.metrics.MetricsSource;
import io.k1s0.fault.traffic.Traffic;
import io.restassured.specification.RequestSpecification;

/**
 * The running mesh, injected into test methods and lifecycle methods of a {@link MeshFaultTest} class.
 *
 * <pre>{@code
 * @Test
 * void ordersSucceed(Mesh mesh) {
 *     TrafficResult sent = mesh.from("order-client", "k1s0-service")   // leaves through order-client's sidecar
 *             .send(mesh.request("order-server", "k1s0-service").basePath("/orders"))
 *             .atRate(100).forDuration(Duration.ofSeconds(5)).run();
 *     assertThat(sent.total().responses(200)).isEqualTo(sent.total().sent());
 * }
 * }</pre>
 */
public interface Mesh {

    /** {@code local}, {@code k3s} or {@code cluster}. */
    String environment();

    /** A client for the mesh's Kubernetes API; owned by the harness, do not close it. */
    KubernetesClient client();

    /**
     * This test run's ID: the value of {@link #RUN_ID_LABEL} on every {@code @MeshResource} object the run applied,
     * and of {@code fault.k1s0.io/run-id} on VirtualServices while they carry one of its faults (whose route names
     * start with {@code fh-<runId>-}).
     */
    String runId();

    /** Label put on every {@code @MeshResource} object the harness applies, valued {@link #runId()}. */
    String RUN_ID_LABEL = "fault.k1s0.io/test-run";

    /**
     * A traffic driver whose requests leave from inside the mesh as {@code workload} (its sidecar runs the
     * faults). Traffic sent this way during a test also names the caller of that test's {@link MeshWindow}.
     *
     * @throws IllegalArgumentException when the mesh has no such workload
     */
    Traffic from(String workload, String namespace);

    /**
     * A fresh rest-assured request with the harness's defaults: request and response are logged only when a
     * validation fails, with sensitive headers hidden.
     */
    RequestSpecification request();

    /**
     * {@link #request()} aimed at a Service: base URI {@code http://<service>.<namespace>.svc.cluster.local}
     * and the Service's first port.
     *
     * @throws IllegalArgumentException when the mesh has no such Service
     */
    RequestSpecification request(String service, String namespace);

    /** Where the mesh's telemetry is read from: Prometheus when the environment has one, else sidecar scrapes. */
    MetricsSource metrics();

    /**
     * Opens a measurement window on the edge {@code caller → target} now, e.g. for a baseline in a
     * {@code @BeforeEach} method (which runs before the test's faults are installed).
     */
    MeshWindow openWindow(String caller, String target);
}
