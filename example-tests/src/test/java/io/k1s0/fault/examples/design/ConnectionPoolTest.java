package io.k1s0.fault.examples.design;

import static org.assertj.core.api.Assertions.assertThat;

import io.k1s0.fault.api.Mesh;
import io.k1s0.fault.api.MeshResource;
import io.k1s0.fault.metrics.MeshMetric;
import io.k1s0.fault.metrics.MeshSnapshot;
import io.k1s0.fault.metrics.MetricsWindow;
import io.k1s0.fault.traffic.TrafficResult;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * D-116 DestinationRule 設計 / D-118 Circuit Breaker, connectionPool, on a TEST-SCALE pool for order-bff
 * (maxConnections 1, http1MaxPendingRequests 1 instead of 100 / 100; classpath:design/order-bff-connection-pool-test-scale.yaml).
 */
@K1s0DesignTest
@ResourceLock(Chain.LOCK_ORDER_BFF)
@MeshResource("classpath:design/order-bff-connection-pool-test-scale.yaml")
@DisplayName("D-118 Circuit Breaker — connectionPool overflow (test scale: maxConnections 100 → 1, http1MaxPendingRequests 100 → 1)")
class ConnectionPoolTest {

    private static final int REQUESTS = 20;

    @BeforeAll
    static void warmUp(Mesh mesh) {
        WarmUp.once(mesh);
    }

    @Test
    @DisplayName("requests beyond maxConnections + http1MaxPendingRequests are answered 503 UO at once, never retried, counted as upstream_rq_pending_overflow")
    void overflowIsAnswered503Uo(Mesh mesh) {
        String caller = Chain.reportedCaller(mesh, Chain.KONG);
        MetricsWindow window = mesh.metrics().open();
        // 20 requests within 0.1 s, each held 500 ms by the echo: 1 in flight + 1 pending fit, the rest overflow.
        TrafficResult sent = Chain.from(mesh, Chain.KONG, Chain.INGRESS)
                .send(mesh.request(Chain.ORDER_BFF, Chain.SERVICE_NS).basePath(Chain.PATH).queryParam("delay", "500ms"))
                .atRate(200).forRequests(REQUESTS).run();
        MeshSnapshot s = window.close();

        long overflowed = Math.round(Telemetry.requestsBy(s, Telemetry.source(caller, Chain.ORDER_BFF), "response_flags").getOrDefault("UO", 0.0));
        assertThat(sent.total().responses(200)).as("requests that got the connection or the one pending slot").isBetween(2L, (long) REQUESTS - 1);
        assertThat(overflowed).as("503 UO the caller's sidecar reported").isEqualTo(sent.total().responses(503)).isPositive();
        assertThat(Telemetry.clusterStat(s, MeshMetric.PENDING_OVERFLOW, Chain.ORDER_BFF)).as("upstream_rq_pending_overflow").isEqualTo(overflowed);
        assertThat(Telemetry.requests(s, Telemetry.destination(caller, Chain.ORDER_BFF)))
                .as("tries that reached order-bff: only the admitted ones (overflow is never retried)").isEqualTo(sent.total().responses(200));
    }
}
