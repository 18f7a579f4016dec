package io.k1s0.fault.examples.design;

import static org.assertj.core.api.Assertions.assertThat;

import io.k1s0.fault.api.Mesh;
import io.k1s0.fault.api.MeshResource;
import io.k1s0.fault.metrics.MeshMetric;
import io.k1s0.fault.metrics.MeshSnapshot;
import io.k1s0.fault.metrics.MetricsWindow;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.parallel.ResourceLock;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * D-118 Circuit Breaker, "Tier 別デフォルト値", on the reconciled DestinationRules (real values): auth-server
 * (system: 3 consecutive 5xx, maxEjectionPercent 30), accounting-server (business: 5, 50), order-server (service:
 * 5, 50; its canary subset, reached with x-canary: true), all called from kong. Both replicas of the server answer 503 to every try, so
 * both reach the consecutive count; which one is ejected first is chance, the rest is not. Requests are sent one
 * at a time so each ejection happens before the next try. Ejection time: {@link EjectionTimeTest}.
 */
@K1s0DesignTest
@ResourceLock(Chain.LOCK_ORDER_SERVER)
@ResourceLock(Chain.LOCK_ACCOUNTING)
@ResourceLock(Chain.LOCK_AUTH)
@MeshResource("file:../manifests/circuit-breakers")
@MeshResource("file:../manifests/routing/order-server-virtualservice.yaml")
@DisplayName("D-118 Circuit Breaker — outlierDetection per tier: consecutive5xxErrors and maxEjectionPercent")
class CircuitBreakerTest {

    @BeforeAll
    static void warmUp(Mesh mesh) {
        WarmUp.once(mesh);
    }

    @ParameterizedTest(name = "{0} ({1}): {2} consecutive 5xx, maxEjectionPercent {3} of 2 replicas")
    @CsvSource({
        "system,   auth-server,       3, 30, 12, 12, false",
        "business, accounting-server, 5, 50, 20, 20, false",
        "service,  order-server,      5, 50,  5, 20, true"})
    @DisplayName("a replica answering 503 is ejected at the tier's consecutive count; maxEjectionPercent keeps the second failing replica in; the ejection counters show one ejection")
    void aFailingReplicaIsEjectedAtTheTiersCount(String tier, String server, int consecutive, int maxEjectionPercent, int requests,
            long tries, boolean canaryRoute, Mesh mesh) {
        // Outlier state lives in each caller's sidecar and an ejection lasts 30-60 s: kong has not called these hosts
        // before in this run, so no earlier test's ejection is still in force. The rules apply to every caller.
        String caller = Chain.KONG;
        String callerNs = Chain.INGRESS;
        String reported = Chain.reportedCaller(mesh, caller);
        RequestSpecification spec = mesh.request(server, namespaceOf(server)).basePath(Chain.PATH).queryParam("status", "503");
        if (canaryRoute) {
            // order-server's route retries 5xx 3 times: 5 requests make 20 tries. kong's calls to auth-server and
            // accounting-server have no VirtualService here: Istio's default policy does not retry 503, 1 try each.
            spec = spec.header("x-canary", "true");
        }
        MetricsWindow window = mesh.metrics().open();
        List<Response> responses = Responses.collect(Chain.from(mesh, caller, callerNs), spec, requests, Duration.ofSeconds(30));
        MeshSnapshot s = Telemetry.awaitAtLeast(window, "the server's sidecars report every try",
                snap -> Telemetry.requests(snap, Telemetry.destination(reported, server)), tries);

        assertThat(responses).as("every request fails").allSatisfy(r -> assertThat(r.statusCode()).isEqualTo(503));
        List<Long> perReplica = Telemetry.requestsBy(s, Telemetry.destination(reported, server), "instance").values().stream()
                .map(Math::round).sorted().toList();
        assertThat(perReplica)
                .as("tries each replica received: the ejected one exactly %d (ejected inline at its %d-th consecutive 5xx), the other "
                        + "all the rest, because ejecting it too would put %d %% of 2 hosts out, above maxEjectionPercent %d",
                        consecutive, consecutive, 100, maxEjectionPercent)
                .containsExactly((long) consecutive, tries - consecutive);
        String kongSidecar = Telemetry.instanceOf(s, reported);
        assertThat(Telemetry.clusterStat(s, MeshMetric.EJECTIONS_ENFORCED, server, kongSidecar))
                .as("ejections_enforced_total of kong's sidecar in the window").isEqualTo(1);
        assertThat(Telemetry.clusterStat(s, MeshMetric.EJECTIONS_CONSECUTIVE_5XX, server, kongSidecar))
                .as("ejections_enforced_consecutive_5xx of kong's sidecar").isEqualTo(1);
        assertThat(Telemetry.clusterStat(s, MeshMetric.EJECTIONS_ACTIVE, server, kongSidecar))
                .as("ejections_active of kong's sidecar at the window's end").isEqualTo(1);
    }

    private static String namespaceOf(String server) {
        return switch (server) {
            case Chain.AUTH -> Chain.SYSTEM_NS;
            case Chain.ACCOUNTING -> Chain.BUSINESS_NS;
            default -> Chain.SERVICE_NS;
        };
    }
}
