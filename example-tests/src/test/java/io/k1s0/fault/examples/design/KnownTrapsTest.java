package io.k1s0.fault.examples.design;

import static io.k1s0.fault.api.MeshAssertions.assertThat;
import static io.k1s0.fault.api.MeshAssertions.percent;
import static io.k1s0.fault.examples.design.Chain.ORDER_BFF;
import static io.k1s0.fault.examples.design.Chain.ORDER_SERVER;
import static io.k1s0.fault.examples.design.Chain.PATH;
import static io.k1s0.fault.examples.design.Chain.SERVICE_NS;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.k1s0.fault.api.AbortFault;
import io.k1s0.fault.api.DelayFault;
import io.k1s0.fault.api.Mesh;
import io.k1s0.fault.api.MeshResource;
import io.k1s0.fault.api.MeshWindow;
import io.k1s0.fault.metrics.MeshMetric;
import io.k1s0.fault.metrics.PromQl;
import io.k1s0.fault.traffic.TrafficResult;
import io.k1s0.fault.verdict.FaultWindow;
import io.k1s0.fault.verdict.Judge;
import io.k1s0.fault.verdict.Plan;
import io.k1s0.fault.verdict.SampleSizePlanner;
import io.k1s0.fault.verdict.Verdict;
import java.io.InputStream;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * Known traps of the design, as tests, on order-server's reconciled VirtualService (retries: attempts 3,
 * retryOn 5xx…) called from order-bff, whose sidecar runs the faults.
 */
@K1s0DesignTest
@ResourceLock(Chain.LOCK_CPU)
@ResourceLock(Chain.LOCK_ORDER_SERVER)
@MeshResource("file:../manifests/circuit-breakers/order-server-destinationrule.yaml")
@MeshResource("file:../manifests/routing/order-server-virtualservice.yaml")
@DisplayName("Known traps — retries vs injected faults, a second VirtualService, reporter=\"destination\"")
class KnownTrapsTest {

    @BeforeAll
    static void warmUp(Mesh mesh) {
        WarmUp.once(mesh);
    }

    @Test
    @AbortFault(host = ORDER_SERVER, namespace = SERVICE_NS, percent = 5, httpStatus = 503)
    @DisplayName("'the caller's retries hide the injected 503s' is false on the faulted hop: the abort happens in the caller's sidecar before the router, so ≈ 5 % reach the caller, not 0.05⁴")
    void callersRetriesDoNotHideInjectedAborts(Mesh mesh, MeshWindow window) {
        Plan plan = SampleSizePlanner.forFraction(percent(5), percent(3), Proportions.CONFIDENCE);
        TrafficResult sent = Chain.from(mesh, ORDER_BFF, SERVICE_NS).send(orders(mesh)).atRate(Chain.SAMPLE_RATE).forRequests(plan.requests()).run();
        FaultWindow w = window.result(sent);
        assertThat(w).abortFraction().atConfidence(Proportions.FRACTION_CONFIDENCE).within(percent(3)).isConsistentWithConfigured();
        assertThat(PromQl.ERRORS_5XX.evaluate(w.snapshot(), w.scope())).as("5xx the caller got = injected aborts")
                .isEqualTo(PromQl.INJECTED_ABORTS.evaluate(w.snapshot(), w.scope()));
    }

    @Test
    @DisplayName("…where retries do help: the same 5 % coming from the server (503 from the backend) is retried away (error rate below 1 %, retries counted)")
    void retriesHideFailuresThatComeFromTheServer(Mesh mesh, MeshWindow window) {
        Plan plan = SampleSizePlanner.forRateBelow(percent(1), percent(0), Judge.DEFAULT_CONFIDENCE);
        window.edge(Chain.reportedCaller(mesh, ORDER_BFF), ORDER_SERVER);
        TrafficResult sent = Chain.from(mesh, ORDER_BFF, SERVICE_NS).send(orders(mesh).queryParam("status", "503:5"))
                .atRate(Chain.SAMPLE_RATE).forRequests(plan.requests()).run();
        FaultWindow w = window.result(sent);
        assertThat(w).errorRate().isBelow(percent(1));
        assertThat(Telemetry.clusterStat(w.snapshot(), MeshMetric.RETRIES, ORDER_SERVER, Telemetry.instanceOf(w.snapshot(), w.caller())))
                .as("retries by order-bff's sidecar (P(none in %d requests at 5 %%) = 0.95^%d)", plan.requests(), plan.requests()).isPositive();
    }

    @Test
    @AbortFault(host = ORDER_SERVER, namespace = SERVICE_NS, percent = 50, httpStatus = 503)
    @DisplayName("a fault and a retry policy on one route: the retry never happens — no retry is counted and no aborted request reaches the server")
    void aFaultedRouteNeverRetriesItsAborts(Mesh mesh, MeshWindow window) {
        TrafficResult sent = Chain.from(mesh, ORDER_BFF, SERVICE_NS).send(orders(mesh).header("x-canary", "true")).atRate(Chain.SAMPLE_RATE).forRequests(100).run();
        FaultWindow w = window.result(sent);
        long aborted = Math.round(PromQl.INJECTED_ABORTS.evaluate(w.snapshot(), w.scope()));
        assertThat(aborted).as("aborted requests (50 %% of 100; P(none) = 0.5^100)").isPositive();
        assertThat(Telemetry.clusterStat(w.snapshot(), MeshMetric.RETRIES, ORDER_SERVER, Telemetry.instanceOf(w.snapshot(), w.caller())))
                .as("retries by order-bff's sidecar, although the route says attempts 3, retryOn 5xx").isZero();
        assertThat(Telemetry.requests(w.snapshot(), Telemetry.destination(w.caller(), ORDER_SERVER)))
                .as("requests the server's sidecars saw: only the ones not aborted").isEqualTo(sent.total().sent() - aborted);
    }

    @Test
    @DisplayName("a second VirtualService for the same host (the design's 'order-server-fault-test', delay 10 %) is ignored: no request is delayed")
    void aSecondVirtualServiceForTheSameHostIsIgnored(Mesh mesh, MeshWindow window) throws Exception {
        List<HasMetadata> second;
        try (InputStream yaml = getClass().getResourceAsStream("/design/order-server-fault-test-second-virtualservice.yaml")) {
            second = mesh.client().load(yaml).items();
        }
        mesh.client().resourceList(second).create();
        try {
            Plan plan = SampleSizePlanner.forRateBelow(percent(2), percent(0), Judge.DEFAULT_CONFIDENCE);
            window.edge(Chain.reportedCaller(mesh, ORDER_BFF), ORDER_SERVER);
            TrafficResult sent = Chain.from(mesh, ORDER_BFF, SERVICE_NS).send(orders(mesh)).atRate(Chain.SAMPLE_RATE).forRequests(plan.requests()).run();
            FaultWindow w = window.result(sent);
            assertThat(PromQl.INJECTED_DELAYS.evaluate(w.snapshot(), w.scope()))
                    .as("delayed requests (DI) among %d: the older VirtualService order-server wins, the second is not merged (IST0109); %s",
                            sent.total().sent(), plan.explanation()).isZero();
        } finally {
            mesh.client().resourceList(second).delete();
        }
    }

    @Test
    @AbortFault(host = ORDER_SERVER, namespace = SERVICE_NS, percent = 20, httpStatus = 503)
    @DelayFault(host = ORDER_SERVER, namespace = SERVICE_NS, percent = 20, fixedDelay = "300ms")
    @DisplayName("faults are invisible to reporter=\"destination\": the server's sidecars report no 503 and no delay, so Flagger's success rate stays 100 %")
    void faultsAreInvisibleToTheDestinationReporter(Mesh mesh, MeshWindow window) {
        TrafficResult sent = Chain.from(mesh, ORDER_BFF, SERVICE_NS).send(orders(mesh)).atRate(Chain.SAMPLE_RATE).forRequests(100).run();
        FaultWindow w = window.result(sent);
        long aborted = Math.round(PromQl.INJECTED_ABORTS.evaluate(w.snapshot(), w.scope()));
        assertThat(aborted).as("aborts the caller's sidecar reported (20 %% of 100; P(none) = 0.8^100)").isPositive();
        assertThat(PromQl.CANARY_NON_5XX.evaluate(w.snapshot(), w.canaryScope()))
                .as("reporter=destination: every request the server saw succeeded")
                .isEqualTo(PromQl.CANARY_REQUESTS.evaluate(w.snapshot(), w.canaryScope())).isPositive();
        assertThat(Telemetry.requestsBy(w.snapshot(), Telemetry.destination(w.caller(), ORDER_SERVER), "response_flags"))
                .as("reporter=destination carries no FI or DI flag").doesNotContainKeys("FI", "DI", "DI,FI");
        Verdict callers = Judge.errorRateBelow(w, false, percent(1), Judge.DEFAULT_CONFIDENCE);
        assertThat(callers.outcome()).as("the callers' error rate against Flagger's 1 %%: %s", callers.message()).isEqualTo(Verdict.Outcome.FAIL);
    }

    private static io.restassured.specification.RequestSpecification orders(Mesh mesh) {
        return mesh.request(ORDER_SERVER, SERVICE_NS).basePath(PATH);
    }
}
