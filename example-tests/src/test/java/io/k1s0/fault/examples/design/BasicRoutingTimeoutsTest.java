package io.k1s0.fault.examples.design;

import static io.k1s0.fault.examples.design.Chain.ORDER_BFF;
import static io.k1s0.fault.examples.design.Chain.ORDER_SERVER;
import static io.k1s0.fault.examples.design.Chain.PATH;
import static io.k1s0.fault.examples.design.Chain.SERVICE_NS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.k1s0.fault.api.Mesh;
import io.k1s0.fault.api.MeshResource;
import io.k1s0.fault.metrics.MeshSnapshot;
import io.k1s0.fault.metrics.MetricsWindow;
import io.k1s0.fault.traffic.TrafficResult;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.ResourceAccessMode;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * D-116 基本ルーティング, timeouts, on a TEST-SCALE copy of order-server's VirtualService (timeout 10s → 4s,
 * perTryTimeout 3s → 1s; everything else as in manifests/routing). The copy keeps the arithmetic of the real
 * numbers (its header explains it); the real 3 s / 10 s are not run by the suite.
 */
@K1s0DesignTest
@Order(2)
@ResourceLock(value = Chain.LOCK_CPU, mode = ResourceAccessMode.READ)
@ResourceLock(Chain.LOCK_ORDER_SERVER)
@MeshResource("file:../manifests/circuit-breakers/order-server-destinationrule.yaml")
@MeshResource("classpath:design/order-server-virtualservice-test-scale.yaml")
@DisplayName("D-116 基本ルーティング — timeouts (test scale: timeout 10s → 4s, perTryTimeout 3s → 1s)")
class BasicRoutingTimeoutsTest {

    @BeforeAll
    static void warmUp(Mesh mesh) {
        WarmUp.once(mesh);
    }

    private static final int REQUESTS = 8;

    @Test
    @DisplayName("'perTryTimeout: 3s' is retried (retryOn has 5xx) and 'timeout: 10s' caps the tries: 4 tries start, the route timeout ends the request with 504 UT")
    void perTryTimeoutsAreRetriedUntilTheRouteTimeout(Mesh mesh) {
        String caller = Chain.reportedCaller(mesh, ORDER_BFF);
        MetricsWindow window = mesh.metrics().open();
        // Every try outlasts perTryTimeout (1 s): tries start at 0, 1 s + b1, 2 s + b1 + b2, 3 s + b1 + b2 + b3
        // (backoff b1 + b2 + b3 < 275 ms), so the 4th starts at least 725 ms before 4 s and is cut by the route timeout.
        TrafficResult sent = Chain.from(mesh, ORDER_BFF, SERVICE_NS)
                .send(mesh.request(ORDER_SERVER, SERVICE_NS).basePath(PATH).header("x-canary", "true").queryParam("delay", "1500ms"))
                .atRate(20).forRequests(REQUESTS).run();
        // Each cut try still reaches the server, whose sidecar reports it when the echo answers 1 s after it began.
        MeshSnapshot s = await("the server's sidecars report every try").atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(300))
                .until(window::close, snap -> Telemetry.requests(snap, Telemetry.destination(caller, ORDER_SERVER)) >= 4L * REQUESTS);

        assertThat(sent.total().responsesByStatus()).as("every request ends in 504").containsOnlyKeys(504);
        assertThat(Telemetry.requestsBy(s, Telemetry.source(caller, ORDER_SERVER), "response_flags"))
                .as("flag UT without URX: the route timeout ended the requests, not retry exhaustion (which needs (1+3) x 1 s + backoff > 4 s)")
                .containsOnlyKeys("UT");
        assertThat(Telemetry.requests(s, Telemetry.destination(caller, ORDER_SERVER)))
                .as("tries the server saw: 1 + 3 per request, the last one cut by the route timeout")
                .isEqualTo(4L * REQUESTS);
        org.HdrHistogram.Histogram serviceTime = sent.total().serviceTime();
        assertThat(serviceTime.getMinValue())
                .as("no request ends before the route timeout of 4 s (service time, µs)")
                .isGreaterThanOrEqualTo(serviceTime.lowestEquivalentValue(TimeUnit.MILLISECONDS.toMicros(4000)));
    }
}
