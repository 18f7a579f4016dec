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
import io.restassured.specification.RequestSpecification;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * D-116 カナリアリリース and ヘッダーベースルーティング on the reconciled order-server VirtualService: the header
 * route first, then stable 90 / canary 10. Which subset answered is read from the caller's own telemetry
 * ({@code reporter="source"}, label {@code destination_version}): mirrored copies are not in it.
 */
@K1s0DesignTest
@ResourceLock(Chain.LOCK_CPU)
@ResourceLock(Chain.LOCK_ORDER_SERVER)
@MeshResource("file:../manifests/circuit-breakers/order-server-destinationrule.yaml")
@MeshResource("file:../manifests/routing/order-server-virtualservice.yaml")
@DisplayName("D-116 カナリアリリース / ヘッダーベースルーティング — reconciled order-server VirtualService")
class CanaryReleaseTest {

    @BeforeAll
    static void warmUp(Mesh mesh) {
        WarmUp.once(mesh);
    }

    @Test
    @DisplayName("'stable weight: 90, canary weight: 10': the canary's share of live requests is consistent with 10 % (99 % Wilson interval)")
    void canaryGetsTenPercent(Mesh mesh, MeshWindow window) {
        Plan plan = SampleSizePlanner.forFraction(Ratio.percent(10), Ratio.percent(3), Proportions.CONFIDENCE);
        Map<String, Double> byVersion = sendAndCount(mesh, window, orders(mesh), plan.requests());
        long total = Math.round(byVersion.values().stream().mapToDouble(Double::doubleValue).sum());
        assertThat(byVersion).as("only the two subsets answer").containsOnlyKeys("stable", "canary");
        Proportions.assertConsistent("canary share of live requests", Math.round(byVersion.get("canary")), total, 0.10, plan);
    }

    @Test
    @DisplayName("'x-canary: \"true\"' → subset canary: every request reaches canary (stable share < 2 % at 99 %, none seen)")
    void headerTrueReachesOnlyCanary(Mesh mesh, MeshWindow window) {
        Plan plan = SampleSizePlanner.forRateBelow(Ratio.percent(2), Ratio.percent(0), Proportions.CONFIDENCE);
        Map<String, Double> byVersion = sendAndCount(mesh, window, orders(mesh).header("X-Canary", "true"), plan.requests());
        assertThat(byVersion).as("header names match whatever their case; %s", plan.explanation())
                .containsOnlyKeys("canary").containsEntry("canary", (double) plan.requests());
    }

    @Test
    @DisplayName("'x-canary' with another value ('True': exact match is case-sensitive) takes the default 90/10 route, not the header route")
    void otherHeaderValuesTakeTheDefaultRoute(Mesh mesh, MeshWindow window) {
        Plan plan = SampleSizePlanner.forRateBelow(Ratio.percent(2), Ratio.percent(0), Proportions.CONFIDENCE);
        Map<String, Double> byVersion = sendAndCount(mesh, window, orders(mesh).header("x-canary", "True"), plan.requests());
        assertThat(byVersion.getOrDefault("stable", 0.0))
                .as("stable answers (under the header route it never would; P(no stable in %d at 90 %%) = 0.1^%d)", plan.requests(), plan.requests())
                .isPositive();
    }

    private static Map<String, Double> sendAndCount(Mesh mesh, MeshWindow window, RequestSpecification spec, long requests) {
        String caller = Chain.reportedCaller(mesh, ORDER_BFF);
        window.edge(caller, ORDER_SERVER);
        TrafficResult sent = Chain.from(mesh, ORDER_BFF, SERVICE_NS).send(spec).atRate(Chain.SAMPLE_RATE).forRequests(requests).run();
        MeshSnapshot s = window.result(sent).snapshot();
        assertThat(sent.total().responses(200)).as("every request answered 200: %s", sent.summary()).isEqualTo(requests);
        return Telemetry.requestsBy(s, Telemetry.source(caller, ORDER_SERVER), "destination_version");
    }

    private static RequestSpecification orders(Mesh mesh) {
        return mesh.request(ORDER_SERVER, SERVICE_NS).basePath(PATH);
    }
}
