package io.k1s0.fault.examples.design;

import static io.k1s0.fault.examples.design.Chain.ORDER_BFF;
import static io.k1s0.fault.examples.design.Chain.ORDER_SERVER;
import static io.k1s0.fault.examples.design.Chain.PATH;
import static io.k1s0.fault.examples.design.Chain.SEEN_ATTEMPT_HEADER;
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
import io.restassured.response.Response;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * D-116 基本ルーティング: order-server's route carries {@code timeout: 10s} and {@code retries: attempts 3,
 * perTryTimeout 3s, retryOn 5xx,reset,connect-failure,retriable-4xx} (the service tier's 15 s / 2 retries,
 * deliberately overridden). Requests go from order-bff, the caller whose sidecar runs the policy, with
 * {@code x-canary: true}: that route carries the identical policy and no mirror, so every request the
 * canary's sidecars report is an attempt of ours. Timeouts: {@link BasicRoutingTimeoutsTest}.
 */
@K1s0DesignTest
@ResourceLock(Chain.LOCK_CPU)
@ResourceLock(Chain.LOCK_ORDER_SERVER)
@MeshResource("file:../manifests/circuit-breakers/order-server-destinationrule.yaml")
@MeshResource("file:../manifests/routing/order-server-virtualservice.yaml")
@DisplayName("D-116 基本ルーティング — order-server: timeout 10s, retries attempts 3 / perTryTimeout 3s / retryOn 5xx,reset,connect-failure,retriable-4xx")
class BasicRoutingTest {

    @BeforeAll
    static void warmUp(Mesh mesh) {
        WarmUp.once(mesh);
    }

    /** Deterministic behaviour (every attempt fails): any request shows it, ten show it is not luck of the draw. */
    private static final int DETERMINISTIC_REQUESTS = 10;

    @Test
    @DisplayName("'attempts: 3' + 'retryOn: 5xx': a backend that always answers 503 is tried 1 + 3 = 4 times, then the caller gets that 503 (URX)")
    void aFailingBackendIsTriedFourTimes(Mesh mesh, MeshWindow window) {
        String caller = Chain.reportedCaller(mesh, ORDER_BFF);
        window.edge(caller, ORDER_SERVER);
        List<Response> responses = Responses.collect(Chain.from(mesh, ORDER_BFF, SERVICE_NS),
                orders(mesh).queryParam("status", "503"), DETERMINISTIC_REQUESTS, Duration.ofSeconds(20));
        MeshSnapshot s = window.result().snapshot();

        assertThat(responses).as("the caller receives the backend's last 503").allSatisfy(r -> assertThat(r.statusCode()).isEqualTo(503));
        if (responses.get(0).header(SEEN_ATTEMPT_HEADER) != null) {
            assertThat(responses).as("x-envoy-attempt-count the server saw on the final attempt (echoed by the local echo)")
                    .allSatisfy(r -> assertThat(r.header(SEEN_ATTEMPT_HEADER)).isEqualTo("4"));
        }
        assertThat(Telemetry.requests(s, Telemetry.destination(caller, ORDER_SERVER)))
                .as("attempts the server's sidecars reported for %d requests (1 try + 3 retries each)", DETERMINISTIC_REQUESTS)
                .isEqualTo(4L * DETERMINISTIC_REQUESTS);
        assertThat(Telemetry.requestsBy(s, Telemetry.source(caller, ORDER_SERVER), "response_flags"))
                .as("the caller's sidecar reports each request once, flagged URX (retries exhausted)")
                .containsEntry("URX", (double) DETERMINISTIC_REQUESTS);
    }

    @Test
    @DisplayName("'retryOn: 5xx' hides transient failures: with 50 % of attempts failing, only 0.5⁴ = 6.25 % of requests fail after 4 tries")
    void transientFailuresAreRetriedAway(Mesh mesh, MeshWindow window) {
        double attemptFailure = 0.5;
        double requestFailure = Math.pow(attemptFailure, 1 + 3);
        Plan plan = SampleSizePlanner.forFraction(Ratio.percent(requestFailure * 100), Ratio.percent(3), Proportions.CONFIDENCE);
        String caller = Chain.reportedCaller(mesh, ORDER_BFF);
        window.edge(caller, ORDER_SERVER);
        TrafficResult sent = Chain.from(mesh, ORDER_BFF, SERVICE_NS).send(orders(mesh).queryParam("status", "503:50"))
                .atRate(Chain.SAMPLE_RATE).forRequests(plan.requests()).run();
        MeshSnapshot s = window.result(sent).snapshot();

        long requests = Telemetry.requests(s, Telemetry.source(caller, ORDER_SERVER));
        long failed = Math.round(Telemetry.requestsBy(s, Telemetry.source(caller, ORDER_SERVER), "response_code").getOrDefault("503", 0.0));
        long attempts = Telemetry.requests(s, Telemetry.destination(caller, ORDER_SERVER));
        long failedAttempts = Math.round(Telemetry.requestsBy(s, Telemetry.destination(caller, ORDER_SERVER), "response_code").getOrDefault("503", 0.0));
        assertThat(requests).as("requests the caller's sidecar reported").isEqualTo(sent.total().sent());
        Proportions.assertConsistent("share of attempts answered 503 at the server (echo status=503:50)", failedAttempts, attempts,
                attemptFailure, SampleSizePlanner.forFraction(Ratio.percent(50), Ratio.percent(10), Proportions.CONFIDENCE));
        Proportions.assertConsistent("share of requests that fail after 1 + 3 tries: p⁴", failed, requests, requestFailure, plan);
    }

    private static io.restassured.specification.RequestSpecification orders(Mesh mesh) {
        return mesh.request(ORDER_SERVER, SERVICE_NS).basePath(PATH).header("x-canary", "true");
    }
}
