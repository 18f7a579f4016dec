package io.k1s0.fault.localmesh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The production constructor: real clock, real randomness, background outlier sweeps. */
class EnvoyOutboundRealClockTest {
    private static final String CLUSTER = "outbound|80||orders.shop.svc.cluster.local";
    private final Vertx vertx = Vertx.vertx();
    private final RecordingStats stats = new RecordingStats();
    private final FakeUpstream bad = FakeUpstream.start(vertx, "orders-1", Map.of("version", "v1"));
    private final FakeUpstream good = FakeUpstream.start(vertx, "orders-2", Map.of("version", "v1"));

    @AfterEach
    void close() throws Exception {
        bad.close();
        good.close();
        vertx.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    }

    @Test
    void idleClusterReturnsEjectedHostsOnTheBackgroundSweep() throws Exception {
        YamlMesh config = YamlMesh.builder().service("orders", "shop", 80, bad, good).yaml("""
                apiVersion: networking.istio.io/v1
                kind: DestinationRule
                metadata: {name: orders, namespace: shop}
                spec:
                  host: orders
                  trafficPolicy:
                    loadBalancer: {simple: ROUND_ROBIN}
                    outlierDetection: {consecutive5xxErrors: 1, interval: 1s, baseEjectionTime: 1s, maxEjectionPercent: 100}
                """).build();
        EnvoyOutbound outbound = new EnvoyOutbound(vertx, "frontend", "shop", () -> config, stats);
        bad.always(FakeUpstream.status(503));

        for (int i = 0; i < 2; i++) {
            outbound.handle(HttpMethod.GET, "orders", 80, "/", MultiMap.caseInsensitiveMultiMap(), Buffer.buffer())
                    .toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
        }
        assertThat(stats.gauge(CLUSTER, "outlier_detection_ejections_active")).as("bad host ejected").isEqualTo(1);

        await("ejection ends without traffic").atMost(Duration.ofSeconds(6))
                .until(() -> stats.gauge(CLUSTER, "outlier_detection_ejections_active") == 0);
        outbound.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    }
}
