package io.k1s0.fault.examples.design;

import static io.k1s0.fault.examples.design.Chain.ORDER_BFF;
import static io.k1s0.fault.examples.design.Chain.ORDER_SERVER;
import static io.k1s0.fault.examples.design.Chain.ORDER_SERVER_CANARY;
import static io.k1s0.fault.examples.design.Chain.PATH;
import static io.k1s0.fault.examples.design.Chain.SERVICE_NS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.k1s0.fault.api.Mesh;
import io.k1s0.fault.api.MeshResource;
import io.k1s0.fault.metrics.MeshSnapshot;
import io.k1s0.fault.metrics.MetricsWindow;
import io.k1s0.fault.metrics.Selector;
import io.k1s0.fault.traffic.TrafficResult;
import io.k1s0.fault.verdict.Plan;
import io.k1s0.fault.verdict.Ratio;
import io.k1s0.fault.verdict.SampleSizePlanner;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * D-116 トラフィックミラーリング as the design shows it (test-only VirtualService: live traffic to stable, a
 * 10 % copy to canary; the reconciled manifest puts the same copy on the 90/10 route). A mirrored copy is
 * reported only by the canary's own sidecar (reporter=destination), never by the caller, so the copies are the
 * canary's destination-side requests minus the live canary requests the caller reported.
 */
@K1s0DesignTest
@ResourceLock(Chain.LOCK_CPU)
@ResourceLock(Chain.LOCK_ORDER_SERVER)
@MeshResource("file:../manifests/circuit-breakers/order-server-destinationrule.yaml")
@MeshResource("classpath:design/mirroring-design-snippet.yaml")
@DisplayName("D-116 トラフィックミラーリング — '本番トラフィックのコピーを新バージョンに送信し…（ユーザーには影響しない）'")
class MirroringTest {

    @BeforeAll
    static void warmUp(Mesh mesh) {
        WarmUp.once(mesh);
    }

    @Test
    @DisplayName("'mirrorPercentage: 10.0': canary receives copies of ≈ 10 % of the requests, while callers get only stable's responses")
    void canaryReceivesTenPercentAsShadowTraffic(Mesh mesh) {
        Plan plan = SampleSizePlanner.forFraction(Ratio.percent(10), Ratio.percent(3), Proportions.CONFIDENCE);
        String caller = Chain.reportedCaller(mesh, ORDER_BFF);
        MetricsWindow window = mesh.metrics().open();
        TrafficResult sent = Chain.from(mesh, ORDER_BFF, SERVICE_NS).send(mesh.request(ORDER_SERVER, SERVICE_NS).basePath(PATH))
                .atRate(Chain.SAMPLE_RATE).forRequests(plan.requests()).run();
        MeshSnapshot s = settled(window);

        assertThat(Telemetry.requestsBy(s, Telemetry.source(caller, ORDER_SERVER), "destination_version"))
                .as("callers see only stable's responses").containsOnlyKeys("stable").containsEntry("stable", (double) plan.requests());
        assertThat(sent.total().responses(200)).as("every caller got 200").isEqualTo(plan.requests());
        long copies = canaryReceived(s);
        Proportions.assertConsistent("mirrored copies received by canary per request", copies, plan.requests(), 0.10, plan);
    }

    /** Copies are fire-and-forget: the canary may report the last ones just after the callers got their answers. */
    static MeshSnapshot settled(MetricsWindow window) {
        AtomicLong previous = new AtomicLong(-1);
        return await("the canary's sidecars report the last mirrored copies").atMost(Duration.ofSeconds(10))
                .pollDelay(Duration.ofMillis(200)).pollInterval(Duration.ofMillis(200))
                .until(window::close, s -> previous.getAndSet(canaryReceived(s)) == canaryReceived(s));
    }

    static long canaryReceived(MeshSnapshot s) {
        return Telemetry.requests(s, Selector.all().eq("reporter", "destination").eq("destination_workload", ORDER_SERVER_CANARY));
    }
}
