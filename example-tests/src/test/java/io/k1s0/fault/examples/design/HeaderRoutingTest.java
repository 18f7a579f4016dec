package io.k1s0.fault.examples.design;

import static io.k1s0.fault.examples.design.Chain.ORDER_BFF;
import static io.k1s0.fault.examples.design.Chain.ORDER_SERVER;
import static io.k1s0.fault.examples.design.Chain.PATH;
import static io.k1s0.fault.examples.design.Chain.SERVICE_NS;
import static org.assertj.core.api.Assertions.assertThat;

import io.k1s0.fault.api.Mesh;
import io.k1s0.fault.api.MeshResource;
import io.k1s0.fault.api.MeshWindow;
import io.k1s0.fault.traffic.TrafficResult;
import io.k1s0.fault.verdict.Plan;
import io.k1s0.fault.verdict.Ratio;
import io.k1s0.fault.verdict.SampleSizePlanner;
import io.restassured.specification.RequestSpecification;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.parallel.ResourceLock;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * D-116 ヘッダーベースルーティング exactly as the design shows it (test-only VirtualService, fallback route
 * stable only). With the reconciled manifest the fallback is the canary stage's 90/10 route: see
 * {@link CanaryReleaseTest}.
 */
@K1s0DesignTest
@ResourceLock(Chain.LOCK_CPU)
@ResourceLock(Chain.LOCK_ORDER_SERVER)
@MeshResource("file:../manifests/circuit-breakers/order-server-destinationrule.yaml")
@MeshResource("classpath:design/header-routing-design-snippet.yaml")
@DisplayName("D-116 ヘッダーベースルーティング — 'テスト用にヘッダーでルーティング先を切り替える' (design snippet)")
class HeaderRoutingTest {

    @BeforeAll
    static void warmUp(Mesh mesh) {
        WarmUp.once(mesh);
    }

    private static final String ABSENT = "<absent>";

    @ParameterizedTest(name = "x-canary: {0}")
    @ValueSource(strings = {"true", ABSENT, "false", "TRUE"})
    @DisplayName("x-canary: true → canary only; absent or any other value → stable only (other share < 2 % at 99 %, none seen)")
    void headerSelectsTheSubset(String value, Mesh mesh, MeshWindow window) {
        Plan plan = SampleSizePlanner.forRateBelow(Ratio.percent(2), Ratio.percent(0), Proportions.CONFIDENCE);
        String expected = value.equals("true") ? "canary" : "stable";
        RequestSpecification spec = mesh.request(ORDER_SERVER, SERVICE_NS).basePath(PATH);
        if (!value.equals(ABSENT)) {
            spec = spec.header("x-canary", value);
        }
        String caller = Chain.reportedCaller(mesh, ORDER_BFF);
        window.edge(caller, ORDER_SERVER);
        TrafficResult sent = Chain.from(mesh, ORDER_BFF, SERVICE_NS).send(spec).atRate(Chain.SAMPLE_RATE).forRequests(plan.requests()).run();
        Map<String, Double> byVersion = Telemetry.requestsBy(window.result(sent).snapshot(), Telemetry.source(caller, ORDER_SERVER),
                "destination_version");
        assertThat(byVersion).as("subsets that answered x-canary: %s; %s", value, plan.explanation())
                .containsOnlyKeys(expected).containsEntry(expected, (double) plan.requests());
    }
}
