package io.k1s0.fault.examples.design;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.k1s0.fault.api.Mesh;
import io.k1s0.fault.api.MeshResource;
import io.k1s0.fault.metrics.MeshSnapshot;
import io.k1s0.fault.metrics.MetricsWindow;
import io.k1s0.fault.traffic.TrafficResult;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.parallel.ResourceLock;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * D-116 Timeout / Retry ポリシー, "Tier 別デフォルト値" for system, business and service, on the reconciled
 * tier-default VirtualServices (hosts {@code *.k1s0-<tier>.svc.cluster.local}). Each tier is exercised on a
 * server with no VirtualService of its own: auth-server (system), accounting-server (business), order-bff
 * (service), sent from its caller in the chain. Attempts are counted where they arrive: the server's sidecars
 * report every try (reporter=destination). Timeouts and perTryTimeout: {@link TierDefaultTimeoutsTest}.
 */
@K1s0DesignTest
@ResourceLock(Chain.LOCK_ORDER_BFF)
@ResourceLock(Chain.LOCK_ACCOUNTING)
@ResourceLock(Chain.LOCK_AUTH)
@MeshResource("file:../manifests/tier-defaults")
@DisplayName("D-116 Tier 別デフォルト値 — attempts and retryOn: system 3 / 5xx,reset,connect-failure; business 3 / same; service 2 / +retriable-4xx")
class TierDefaultsTest {

    /** Deterministic behaviour (the echo answers every try the same way): ten requests show it is not chance. */
    private static final int REQUESTS = 10;

    @BeforeAll
    static void warmUp(Mesh mesh) {
        WarmUp.once(mesh);
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Tier.class)
    @DisplayName("'attempts' + 'retryOn: 5xx': a server answering 503 to every try is tried 1 + attempts times")
    void a503IsTriedOnePlusAttemptsTimes(Tier tier, Mesh mesh) {
        assertThat(triesPerRequest(tier, mesh, "status=503", 503)).as("tries per request, %s", tier).isEqualTo(1 + tier.retries);
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Tier.class)
    @DisplayName("'retriable-4xx' only in the service tier: 409 Conflict is retried there and answered at once in system and business")
    void a409IsRetriedOnlyWhereRetryOnHasRetriable4xx(Tier tier, Mesh mesh) {
        assertThat(triesPerRequest(tier, mesh, "status=409", 409)).as("tries per request, %s", tier)
                .isEqualTo(tier.retries409 ? 1 + tier.retries : 1);
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Tier.class)
    @DisplayName("'retryOn: reset': a server that drops the connection without answering is tried 1 + attempts times, then 503")
    void aResetIsRetried(Tier tier, Mesh mesh) {
        assumeTrue(Chain.isLocal(mesh), "needs the local echo's close=reset (Fortio's echo cannot reset a connection)");
        assertThat(triesPerRequest(tier, mesh, "close=reset", 503)).as("tries per request, %s", tier).isEqualTo(1 + tier.retries);
    }

    /** Sends {@link #REQUESTS} requests with the echo query and returns the tries the server saw per request. */
    private static long triesPerRequest(Tier tier, Mesh mesh, String echoQuery, int expectedStatus) {
        String caller = Chain.reportedCaller(mesh, tier.caller);
        String[] param = echoQuery.split("=", 2);
        MetricsWindow window = mesh.metrics().open();
        TrafficResult sent = Chain.from(mesh, tier.caller, tier.callerNamespace)
                .send(mesh.request(tier.server, tier.serverNamespace).basePath(Chain.PATH).queryParam(param[0], param[1]))
                .atRate(50).forRequests(REQUESTS).run();
        assertThat(sent.total().responsesByStatus()).as("what the caller received").containsOnlyKeys(expectedStatus);
        MeshSnapshot s = Telemetry.awaitAtLeast(window, "the server's sidecars report every try",
                snap -> Telemetry.requests(snap, Telemetry.destination(caller, tier.server)), REQUESTS);
        long tries = Telemetry.requests(s, Telemetry.destination(caller, tier.server));
        assertThat(tries % REQUESTS).as("%d tries for %d requests", tries, REQUESTS).isZero();
        return tries / REQUESTS;
    }
}
