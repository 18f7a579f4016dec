package io.k1s0.fault.examples.design;

import static io.k1s0.fault.examples.design.Chain.ORDER_BFF;
import static io.k1s0.fault.examples.design.Chain.ORDER_SERVER;
import static io.k1s0.fault.examples.design.Chain.PATH;
import static io.k1s0.fault.examples.design.Chain.SERVICE_NS;
import static org.assertj.core.api.Assertions.assertThat;

import io.k1s0.fault.api.Mesh;
import io.k1s0.fault.api.MeshResource;
import io.k1s0.fault.api.MeshWindow;
import io.k1s0.fault.metrics.MeshSnapshot;
import io.k1s0.fault.traffic.TrafficResult;
import io.k1s0.fault.verdict.Plan;
import io.k1s0.fault.verdict.Ratio;
import io.k1s0.fault.verdict.SampleSizePlanner;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * D-116 トラフィックミラーリング, "ユーザーには影響しない": every request is copied to a subset that no pod carries,
 * so every copy fails (no healthy upstream); the callers must not notice. Test-only resources: the design's
 * mirroring route aimed at subset {@code retired}, and the order-server DestinationRule with that subset.
 */
@K1s0DesignTest
@ResourceLock(Chain.LOCK_CPU)
@ResourceLock(Chain.LOCK_ORDER_SERVER)
@MeshResource("classpath:design/mirroring-to-unavailable-subset.yaml")
@DisplayName("D-116 トラフィックミラーリング — 'ユーザーには影響しない': failed mirror copies never reach callers")
class MirroringFailureTest {

    @BeforeAll
    static void warmUp(Mesh mesh) {
        WarmUp.once(mesh);
    }

    @Test
    @DisplayName("every request is copied to a subset with no endpoints (no copy can succeed), yet every caller gets stable's 200 (caller 5xx share < 1 % at 99 %, none seen)")
    void mirrorFailuresDoNotReachCallers(Mesh mesh, MeshWindow window) {
        Plan plan = SampleSizePlanner.forRateBelow(Ratio.percent(1), Ratio.percent(0), Proportions.CONFIDENCE);
        String caller = Chain.reportedCaller(mesh, ORDER_BFF);
        window.edge(caller, ORDER_SERVER);
        TrafficResult sent = Chain.from(mesh, ORDER_BFF, SERVICE_NS).send(mesh.request(ORDER_SERVER, SERVICE_NS).basePath(PATH))
                .atRate(Chain.SAMPLE_RATE).forRequests(plan.requests()).run();
        MeshSnapshot s = window.result(sent).snapshot();

        assertThat(sent.total().responsesByStatus()).as("what callers received; %s", plan.explanation())
                .containsOnlyKeys(200).containsEntry(200, plan.requests());
        assertThat(Telemetry.requestsBy(s, Telemetry.source(caller, ORDER_SERVER), "response_code"))
                .as("the caller's sidecar reports only 200s").containsOnlyKeys("200");
    }
}
