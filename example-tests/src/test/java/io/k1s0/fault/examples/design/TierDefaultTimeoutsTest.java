package io.k1s0.fault.examples.design;

import static org.assertj.core.api.Assertions.assertThat;

import io.k1s0.fault.api.Mesh;
import io.k1s0.fault.api.MeshResource;
import io.k1s0.fault.metrics.MeshSnapshot;
import io.k1s0.fault.metrics.MetricsWindow;
import io.k1s0.fault.traffic.TrafficResult;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.parallel.ResourceAccessMode;
import org.junit.jupiter.api.parallel.ResourceLock;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * D-116 Tier 別デフォルト値, timeout and perTryTimeout, on TEST-SCALE copies of the tier defaults
 * (classpath:design/tier-defaults-test-scale.yaml; its header shows that the copies keep the real numbers'
 * outcome: how many tries start and that the route timeout ends the request). The real 5 s / 10 s / 15 s are
 * not run by the suite.
 */
@K1s0DesignTest
@Order(3)
@ResourceLock(value = Chain.LOCK_CPU, mode = ResourceAccessMode.READ)
@ResourceLock(Chain.LOCK_ORDER_BFF)
@ResourceLock(Chain.LOCK_ACCOUNTING)
@ResourceLock(Chain.LOCK_AUTH)
@MeshResource("classpath:design/tier-defaults-test-scale.yaml")
@DisplayName("D-116 Tier 別デフォルト値 — timeout and perTryTimeout (test scale: system 5s/2s → 1.2s/0.4s, business 10s/3s → 4s/1s, service 15s/5s → 1.5s/0.5s)")
class TierDefaultTimeoutsTest {

    private static final int REQUESTS = 5;

    @BeforeAll
    static void warmUp(Mesh mesh) {
        WarmUp.once(mesh);
    }

    @ParameterizedTest(name = "{0}: timeout {2} ms, perTryTimeout {3} ms → {4} tries, 504 UT")
    @CsvSource({
        "SYSTEM,   600, 1200, 400, 3",
        "BUSINESS, 1500, 4000, 1000, 4",
        "SERVICE,  700, 1500, 500, 3"})
    @DisplayName("a server slower than perTryTimeout: each try is cut and retried (retryOn has 5xx), and the tier's timeout ends the request with 504 UT")
    void perTryTimeoutsAreRetriedUntilTheTierTimeout(Tier tier, long echoDelayMillis, long timeoutMillis, long perTryMillis, int tries,
            Mesh mesh) {
        String caller = Chain.reportedCaller(mesh, tier.caller);
        MetricsWindow window = mesh.metrics().open();
        TrafficResult sent = Chain.from(mesh, tier.caller, tier.callerNamespace)
                .send(mesh.request(tier.server, tier.serverNamespace).basePath(Chain.PATH).queryParam("delay", echoDelayMillis + "ms"))
                .atRate(20).forRequests(REQUESTS).run();
        MeshSnapshot s = Telemetry.awaitAtLeast(window, "the server's sidecars report every try (each when the echo answers)",
                snap -> Telemetry.requests(snap, Telemetry.destination(caller, tier.server)), (long) tries * REQUESTS);

        assertThat(sent.total().responsesByStatus()).as("every request ends in 504").containsOnlyKeys(504);
        assertThat(Telemetry.requestsBy(s, Telemetry.source(caller, tier.server), "response_flags"))
                .as("flag UT without URX: the route timeout ended the requests, not retry exhaustion").containsOnlyKeys("UT");
        assertThat(Telemetry.requests(s, Telemetry.destination(caller, tier.server)))
                .as("tries that reached the server: %d per request (perTryTimeout %d ms, timeout %d ms)", tries, perTryMillis, timeoutMillis)
                .isEqualTo((long) tries * REQUESTS);
        Histogram serviceTime = sent.total().serviceTime();
        assertThat(serviceTime.getMinValue()).as("no request ends before the route timeout of %d ms (µs)", timeoutMillis)
                .isGreaterThanOrEqualTo(serviceTime.lowestEquivalentValue(TimeUnit.MILLISECONDS.toMicros(timeoutMillis)));
    }
}
