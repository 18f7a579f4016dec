package io.k1s0.fault.examples.design;

import static org.assertj.core.api.Assertions.assertThat;

import io.k1s0.fault.api.Mesh;
import io.k1s0.fault.api.MeshResource;
import io.k1s0.fault.metrics.MeshMetric;
import io.k1s0.fault.metrics.MetricsWindow;
import io.k1s0.fault.traffic.Traffic;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.ResourceAccessMode;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * D-118 Circuit Breaker, baseEjectionTime, on a TEST-SCALE rule for order-bff (one replica, service-tier counts;
 * interval 30s and base 60s → 2s and 2s, see classpath:design/order-bff-outlier-test-scale.yaml). kong calls
 * order-bff; order-bff has no VirtualService, so Istio's default retry policy applies, which does not retry 503:
 * one request is one try.
 */
@K1s0DesignTest
@Order(1)
@ResourceLock(value = Chain.LOCK_CPU, mode = ResourceAccessMode.READ)
@ResourceLock(Chain.LOCK_ORDER_BFF)
@MeshResource("classpath:design/order-bff-outlier-test-scale.yaml")
@DisplayName("D-118 Circuit Breaker — baseEjectionTime × n (test scale: base 60s → 2s, interval 30s → 2s)")
class EjectionTimeTest {

    private static final Duration BASE = Duration.ofSeconds(2);
    /** The sweep after base × n comes within one interval (= base here); the return is seen by the next probe. */
    private static final Duration PROBE_EVERY = Duration.ofMillis(20);
    /**
     * How late the return may be seen: one probe interval plus one probe's response, which on a loaded 2-core machine
     * can take a few hundred ms; well below the base (2 s) that tells n = 1 from n = 2.
     */
    private static final Duration SEEN_LATE = Duration.ofMillis(500);

    @BeforeAll
    static void warmUp(Mesh mesh) {
        WarmUp.once(mesh);
    }

    @Test
    @DisplayName("an ejected host returns after baseEjectionTime × n: the first ejection lasts [1, 2) × base, the second [2, 3) × base")
    void ejectionTimeGrowsWithEachEjection(Mesh mesh) {
        Traffic kong = Chain.from(mesh, Chain.KONG, Chain.INGRESS);
        MetricsWindow window = mesh.metrics().open();
        // Every probe asks order-bff for a 503. While order-bff is ejected, kong's sidecar answers itself ("no healthy
        // upstream"); once it is back, the 5 next probes reach it, fail, and eject it again at once (n = 2), well
        // before the next sweep could shorten its back-off.
        EjectionClock clock = new EjectionClock(5);
        kong.probe(mesh.request(Chain.ORDER_BFF, Chain.SERVICE_NS).basePath(Chain.PATH).queryParam("status", "503"))
                .every(PROBE_EVERY).atMost(Duration.ofSeconds(25))
                .untilSeen("order-bff ejected and back twice", r -> clock.saw(!r.asString().contains("no healthy upstream"), r.getTime()));
        long ejections = Telemetry.clusterStat(window.close(), MeshMetric.EJECTIONS_ENFORCED, Chain.ORDER_BFF);

        assertThat(clock.durations).as("ejections seen").hasSizeGreaterThanOrEqualTo(2);
        assertThat(clock.durations.get(0)).as("first ejection (n = 1)").isGreaterThanOrEqualTo(BASE)
                .isLessThan(BASE.multipliedBy(2).plus(SEEN_LATE));
        assertThat(clock.durations.get(1)).as("second ejection (n = 2), right after the host came back").isGreaterThanOrEqualTo(BASE.multipliedBy(2))
                .isLessThan(BASE.multipliedBy(3).plus(SEEN_LATE));
        assertThat(ejections).as("ejections_enforced_total").isGreaterThanOrEqualTo(2);
    }

    /**
     * Follows the probes: the consecutive-th upstream 503 ejects the host (its time is the ejection's start); the
     * first upstream answer after local "no healthy upstream" replies is its return. The return is seen at most one
     * probe interval plus one response late (the upper bounds above allow {@link #SEEN_LATE} for that).
     */
    private static final class EjectionClock {
        private final int consecutive;
        private final List<Duration> durations = new ArrayList<>();
        private int upstreamFailures;
        private long ejectedAt;
        private boolean ejected;

        EjectionClock(int consecutive) {
            this.consecutive = consecutive;
        }

        /**
         * @param tookMillis the response's round trip: the ejection is dated when the ejecting request was sent
         *     (before the sidecar ejected), the return when the first answer from order-bff arrived (after it)
         * @return true once two ejections have ended
         */
        synchronized boolean saw(boolean reachedUpstream, long tookMillis) {
            long now = System.nanoTime();
            if (reachedUpstream) {
                if (ejected) {
                    durations.add(Duration.ofNanos(now - ejectedAt));
                    ejected = false;
                    upstreamFailures = 0;
                }
                if (++upstreamFailures == consecutive) {
                    ejectedAt = now - (tookMillis + 1) * 1_000_000;
                }
            } else if (!ejected && upstreamFailures >= consecutive) {
                ejected = true;
            }
            return durations.size() >= 2;
        }
    }
}
