package io.k1s0.fault.api;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * Marks a test class that runs against a service mesh: the harness brings the mesh up once per test run,
 * applies the class's {@link MeshResource}s, installs each test's {@link DelayFault}/{@link AbortFault}s
 * right before the test body (after {@code @BeforeEach}), proves them live with probe requests, and removes
 * them afterwards whatever happens.
 *
 * <p>The mesh is chosen by the system property {@value #ENVIRONMENT_PROPERTY} or the environment variable
 * {@code MESH_ENVIRONMENT}: {@code local} (default, an embedded mesh in the JVM built from {@link #workloads()}),
 * {@code k3s} (Istio 1.24 in Testcontainers) or {@code cluster} (the current kube context). The same class
 * runs unchanged in all three.
 *
 * <pre>{@code
 * @MeshFaultTest(workloads = "classpath:k1s0-topology.yaml")
 * @MeshResource("classpath:routing/order-server.yaml")
 * class OrderServerFaultTest {
 *     @Test
 *     @AbortFault(host = "order-server", namespace = "k1s0-service", percent = 5, httpStatus = 503)
 *     void abortsShowUpAtTheConfiguredRate(Mesh mesh, MeshWindow window) {
 *         TrafficResult sent = mesh.from("order-client", "k1s0-service")
 *                 .send(mesh.request("order-server", "k1s0-service"))
 *                 .atRate(200).forRequests(3_000).run();
 *         assertThat(window.result(sent)).abortFraction().isConsistentWith(percent(5));
 *     }
 * }
 * }</pre>
 *
 * <p>Classes may run in parallel ({@code junit.jupiter.execution.parallel.mode.classes.default=concurrent}); tests
 * that fault the same host never overlap (a resource lock per faulted host).
 *
 * <p>Team meta-annotations work: annotate your own annotation with {@code @MeshFaultTest} and
 * {@code @MeshResource}s and put it on the class. The programmatic form with the same options is
 * {@code @RegisterExtension static MeshFaultExtension mesh = MeshFaultExtension.builder()…build();}.
 */
@Documented
@Inherited
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.ANNOTATION_TYPE})
@ExtendWith(io.k1s0.fault.junit.MeshFaultExtension.class)
@ResourceLock(providers = io.k1s0.fault.junit.MeshFaultExtension.FaultedHosts.class)
public @interface MeshFaultTest {

    /** System property that selects the environment: {@code local}, {@code k3s} or {@code cluster}. */
    String ENVIRONMENT_PROPERTY = "mesh.environment";

    /** JUnit configuration parameter giving the cleanup mode used when {@link #cleanup()} is {@code DEFAULT}. */
    String CLEANUP_PARAMETER = "fault.harness.cleanup";

    /** What to keep after the class: resources it applied. Faults are always removed. */
    CleanupMode cleanup() default CleanupMode.DEFAULT;

    /**
     * The local mesh's topology: {@code classpath:…} or {@code file:…} naming a YAML file of workloads
     * (the {@code fault-runner local-mesh --workloads} format):
     *
     * <pre>
     * workloads:
     * - name: order-server
     *   namespace: k1s0-service
     *   labels: {version: v1}                      # app defaults to the name, version to v1
     *   service: {name: order-server, port: 80}    # default: the name, port 80
     *   replicas: 2                                # default 1
     *   defaultEcho: "status=503:100"              # optional Fortio echo parameters
     * </pre>
     *
     * Required for the {@code local} environment, ignored by {@code k3s} and {@code cluster}, whose workloads
     * already run. The mesh is started once per test run: every class of a run must name the same file.
     */
    String workloads() default "";
}
