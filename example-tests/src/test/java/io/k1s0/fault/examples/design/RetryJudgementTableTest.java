package io.k1s0.fault.examples.design;

import static io.k1s0.fault.examples.design.Chain.ORDER_BFF;
import static io.k1s0.fault.examples.design.Chain.ORDER_SERVER;
import static io.k1s0.fault.examples.design.Chain.PATH;
import static io.k1s0.fault.examples.design.Chain.SERVICE_NS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.k1s0.fault.api.Mesh;
import io.k1s0.fault.api.MeshResource;
import io.k1s0.fault.metrics.MeshMetric;
import io.k1s0.fault.metrics.MeshSnapshot;
import io.k1s0.fault.metrics.MetricsWindow;
import io.k1s0.fault.traffic.TrafficResult;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.ResourceLock;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * D-118 Retry 対象の判定基準, on order-server's reconciled route ({@code retryOn: 5xx,reset,connect-failure,
 * retriable-4xx}, attempts 3). Requests carry {@code x-canary: true} (same policy, no mirror), so the canary's
 * sidecars report exactly our tries.
 */
@K1s0DesignTest
@Order(4)
@ResourceLock(Chain.LOCK_ORDER_SERVER)
@MeshResource("file:../manifests/circuit-breakers/order-server-destinationrule.yaml")
@MeshResource("file:../manifests/routing/order-server-virtualservice.yaml")
@DisplayName("D-118 Retry 対象の判定基準 — 5xx, reset, connect-failure, 409 retried; 400, 401, 403, 404 not")
class RetryJudgementTableTest {

    /** Deterministic per status: every request behaves the same; five show it. */
    private static final int REQUESTS = 5;

    @BeforeAll
    static void warmUp(Mesh mesh) {
        WarmUp.once(mesh);
    }

    @ParameterizedTest(name = "{0} → retried: {1} ({2})")
    @CsvSource({
        "500, true,  5xx サーバー側の一時的なエラー",
        "502, true,  5xx",
        "503, true,  5xx",
        "504, true,  5xx",
        "409, true,  retriable-4xx: 409 Conflict 等の一時的な 4xx",
        "400, false, 400 Bad Request: クライアント側のリクエスト不正",
        "401, false, 401: 認証エラー",
        "403, false, 403: 認可エラー",
        "404, false, 404 Not Found: リソースが存在しない"})
    @DisplayName("the design's table: each status the server answers is retried (1 + 3 tries) or answered at once (1 try)")
    void statusIsRetriedAsTheTableSays(int status, boolean retried, String reason, Mesh mesh) {
        long tries = triesPerRequest(mesh, "status", Integer.toString(status), status);
        assertThat(tries).as("tries per request for %d (%s)", status, reason).isEqualTo(retried ? 4 : 1);
    }

    @Test
    @DisplayName("reset (接続リセット) is retried: a server that drops the connection without answering is tried 1 + 3 times, then 503")
    void resetIsRetried(Mesh mesh) {
        assumeTrue(Chain.isLocal(mesh), "needs the local echo's close=reset (Fortio's echo cannot reset a connection)");
        assertThat(triesPerRequest(mesh, "close", "reset", 503)).as("tries per request").isEqualTo(4);
    }

    @Test
    @DisplayName("connect-failure (ネットワーク接続失敗) is retried: with one canary endpoint refusing connections, every request still succeeds")
    void connectFailureIsRetried(Mesh mesh) throws IOException {
        assumeTrue(Chain.isLocal(mesh), "adds a local-mesh endpoint whose port refuses connections (no such pod exists on k3s)");
        int refusing;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            refusing = probe.getLocalPort(); // closed again at once: connections to it are refused
        }
        Pod dead = new PodBuilder().withNewMetadata().withName("order-server-canary-refusing").withNamespace(SERVICE_NS)
                .withLabels(Map.of("app", ORDER_SERVER, "version", "canary"))
                .withAnnotations(Map.of("local-mesh.k1s0.io/inbound-port", Integer.toString(refusing), "local-mesh.k1s0.io/workload",
                        "order-server-canary-refusing"))
                .endMetadata()
                .withNewSpec().addNewContainer().withName("app").withImage("local-mesh/none").endContainer().endSpec()
                .withNewStatus().withPhase("Running").withPodIP("127.0.0.1")
                .addNewCondition().withType("Ready").withStatus("True").endCondition().endStatus()
                .build();
        mesh.client().pods().inNamespace(SERVICE_NS).resource(dead).create();
        try {
            MetricsWindow window = mesh.metrics().open();
            // 3 canary endpoints, one refusing: about a third of first tries fail to connect and must be retried elsewhere.
            TrafficResult sent = Chain.from(mesh, ORDER_BFF, SERVICE_NS).send(orders(mesh)).atRate(50).forRequests(30).run();
            MeshSnapshot s = window.close();
            assertThat(sent.total().responsesByStatus()).as("every request succeeds").containsOnlyKeys(200);
            assertThat(Telemetry.clusterStat(s, MeshMetric.RETRIES, ORDER_SERVER))
                    .as("retries the caller's sidecar made after connect failures (P(no first try on the refusing endpoint in 30) ≈ (2/3)^30)")
                    .isPositive();
        } finally {
            mesh.client().pods().inNamespace(SERVICE_NS).withName("order-server-canary-refusing").delete();
        }
    }

    private static long triesPerRequest(Mesh mesh, String param, String value, int expectedStatus) {
        String caller = Chain.reportedCaller(mesh, ORDER_BFF);
        MetricsWindow window = mesh.metrics().open();
        TrafficResult sent = Chain.from(mesh, ORDER_BFF, SERVICE_NS).send(orders(mesh).queryParam(param, value))
                .atRate(50).forRequests(REQUESTS).run();
        assertThat(sent.total().responsesByStatus()).as("what the caller received").containsOnlyKeys(expectedStatus);
        MeshSnapshot s = Telemetry.awaitAtLeast(window, "the server's sidecars report every try",
                snap -> Telemetry.requests(snap, Telemetry.destination(caller, ORDER_SERVER)), REQUESTS);
        long tries = Telemetry.requests(s, Telemetry.destination(caller, ORDER_SERVER));
        assertThat(tries % REQUESTS).as("%d tries for %d requests", tries, REQUESTS).isZero();
        return tries / REQUESTS;
    }

    private static io.restassured.specification.RequestSpecification orders(Mesh mesh) {
        return mesh.request(ORDER_SERVER, SERVICE_NS).basePath(PATH).header("x-canary", "true");
    }

}
