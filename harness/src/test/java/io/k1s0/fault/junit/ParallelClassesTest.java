package io.k1s0.fault.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.k1s0.fault.api.AbortFault;
import io.k1s0.fault.api.Mesh;
import io.k1s0.fault.api.MeshFaultTest;
import io.k1s0.fault.traffic.TrafficResult;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.platform.testkit.engine.EngineExecutionResults;

/**
 * Classes run concurrently: two classes faulting different hosts overlap and each sees its own fault; a class
 * faulting a host another class faults waits for it (resource lock per faulted host).
 */
@ExtendWith(SharedMesh.PerClass.class)
class ParallelClassesTest {

    private static final String NS = "k1s0-service";
    private static final Map<String, String> PARALLEL = Map.of(
            "junit.jupiter.execution.parallel.enabled", "true",
            "junit.jupiter.execution.parallel.mode.default", "same_thread",
            "junit.jupiter.execution.parallel.mode.classes.default", "concurrent",
            "junit.jupiter.execution.parallel.config.strategy", "fixed",
            "junit.jupiter.execution.parallel.config.fixed.parallelism", "3");

    static final CountDownLatch BOTH_IN_FLIGHT = new CountDownLatch(2);
    static final Map<String, Instant[]> BODIES = new ConcurrentHashMap<>();

    @Test
    void classesFaultingDifferentHostsOverlapAndClassesFaultingTheSameHostDoNot() {
        EngineExecutionResults results = Engine.runOnSharedMesh(PARALLEL, OrderServerCase.class, PaymentServerCase.class,
                SameHostCase.class);

        results.testEvents().assertStatistics(s -> s.started(3).succeeded(3).failed(0));
        Instant[] order = BODIES.get("order");
        Instant[] same = BODIES.get("same-host");
        assertThat(same[0].isAfter(order[1]) || same[1].isBefore(order[0]))
                .as("two classes faulting order-server overlapped: %s..%s and %s..%s", order[0], order[1], same[0], same[1])
                .isTrue();
        assertThat(SharedMesh.client().resources(io.fabric8.istio.api.networking.v1.VirtualService.class).inNamespace(NS)
                .list().getItems()).as("VirtualServices left after the run").isEmpty();
    }

    static void bothInFlightThenAllAborted(Mesh mesh, String host) {
        BOTH_IN_FLIGHT.countDown();
        await("the other class's test body runs at the same time").atMost(Duration.ofSeconds(60))
                .until(() -> BOTH_IN_FLIGHT.getCount() == 0);
        TrafficResult sent = mesh.from("order-bff", NS).send(mesh.request(host, NS)).atRate(100).forRequests(10).run();
        assertThat(sent.total().responses(503)).as("503s from %s: %s", host, sent.summary()).isEqualTo(10);
    }

    @MeshFaultTest(workloads = "classpath:junit/topology.yaml")
    static class OrderServerCase {
        @Test
        @AbortFault(host = "order-server", namespace = NS, percent = 100, httpStatus = 503)
        void ordersAreAborted(Mesh mesh) {
            Instant start = Instant.now();
            bothInFlightThenAllAborted(mesh, "order-server");
            BODIES.put("order", new Instant[] {start, Instant.now()});
        }
    }

    @MeshFaultTest(workloads = "classpath:junit/topology.yaml")
    static class PaymentServerCase {
        @Test
        @AbortFault(host = "payment-server", namespace = NS, percent = 100, httpStatus = 503)
        void paymentsAreAborted(Mesh mesh) {
            bothInFlightThenAllAborted(mesh, "payment-server");
        }
    }

    @MeshFaultTest(workloads = "classpath:junit/topology.yaml")
    static class SameHostCase {
        @Test
        @AbortFault(host = "order-server", namespace = NS, percent = 50, httpStatus = 500)
        void ordersAreHalfAborted(Mesh mesh) {
            Instant start = Instant.now();
            TrafficResult sent = mesh.from("order-bff", NS).send(mesh.request("order-server", NS)).atRate(100).forRequests(10).run();
            assertThat(sent.total().responses(503)).as("503s of the other class's fault while this one runs").isZero();
            BODIES.put("same-host", new Instant[] {start, Instant.now()});
        }
    }
}
