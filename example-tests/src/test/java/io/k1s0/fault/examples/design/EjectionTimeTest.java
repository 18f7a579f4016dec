package io.k1s0.fault.examples.design;

import static org.assertj.core.api.Assertions.assertThat;

import io.k1s0.fault.api.Mesh;
import io.k1s0.fault.api.MeshResource;
import io.k1s0.fault.metrics.MeshMetric;
import io.k1s0.fault.metrics.MetricsWindow;
import io.k1s0.fault.traffic.Traffic;
import io.restassured.specification.RequestSpecification;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * D-118 Circuit Breaker, baseEjectionTime, on a TEST-SCALE rule for order-bff (one replica, service-tier counts;
 * interval 30s and base 60s → 1s and 1s, see classpath:design/order-bff-outlier-test-scale.yaml). kong calls
 * order-bff; order-bff has no VirtualService, so Istio's default retry policy applies, which does not retry 503:
 * one request is one try.
 */
@K1s0DesignTest
@MeshResource("classpath:design/order-bff-outlier-test-scale.yaml")
@DisplayName("D-118 Circuit Breaker — baseEjectionTime × n (test scale: base 60s → 1s, interval 30s → 1s)")
class EjectionTimeTest {

    private static final Duration BASE = Duration.ofSeconds(1);
    /** The sweep after base × n comes within one interval (= base here); the return is seen by the next probe. */
    private static final Duration PROBE_EVERY = Duration.ofMillis(20);

    @BeforeAll
    static void warmUp(Mesh mesh) {
        WarmUp.once(mesh);
    }

    @Test
    @DisplayName("an ejected host returns after baseEjectionTime × n: the first ejection lasts [1, 2) × base, the second [2, 3) × base")
    void ejectionTimeGrowsWithEachEjection(Mesh mesh) {
        Traffic kong = Chain.from(mesh, Chain.KONG, Chain.INGRESS);
        MetricsWindow window = mesh.metrics().open();
        Duration first = ejectAndTimeTheReturn(mesh, kong);
        Duration second = ejectAndTimeTheReturn(mesh, kong);
        long ejections = Telemetry.clusterStat(window.close(), MeshMetric.EJECTIONS_ENFORCED, Chain.ORDER_BFF);

        assertThat(first).as("first ejection (n = 1)").isGreaterThanOrEqualTo(BASE).isLessThan(BASE.multipliedBy(2).plus(PROBE_EVERY.multipliedBy(10)));
        assertThat(second).as("second ejection (n = 2), right after the host came back").isGreaterThanOrEqualTo(BASE.multipliedBy(2))
                .isLessThan(BASE.multipliedBy(3).plus(PROBE_EVERY.multipliedBy(10)));
        assertThat(ejections).as("ejections_enforced_total").isEqualTo(2);
    }

    /** Five 503s eject the only host; then healthy probes get 503 (no healthy upstream) until it is back. */
    private static Duration ejectAndTimeTheReturn(Mesh mesh, Traffic kong) {
        RequestSpecification failing = mesh.request(Chain.ORDER_BFF, Chain.SERVICE_NS).basePath(Chain.PATH).queryParam("status", "503");
        Responses.collect(kong, failing, 5, Duration.ofSeconds(10));
        long ejectedAt = System.nanoTime();
        kong.probe(mesh.request(Chain.ORDER_BFF, Chain.SERVICE_NS).basePath(Chain.PATH))
                .every(PROBE_EVERY).atMost(Duration.ofSeconds(10))
                .untilSeen("order-bff back in the load-balancing set", r -> r.statusCode() == 200);
        return Duration.ofNanos(System.nanoTime() - ejectedAt);
    }
}
