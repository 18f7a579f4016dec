package io.k1s0.fault.localmesh;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.hipparchus.stat.interval.ConfidenceInterval;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Load balancing, connection-pool circuit breakers and outlier detection. */
class EnvoyOutboundResilienceTest {
    private static final String CLUSTER = "outbound|80||orders.shop.svc.cluster.local";
    private final MeshFixture mesh = new MeshFixture();
    private final FakeUpstream a = mesh.upstream("orders-1", "v1");
    private final FakeUpstream b = mesh.upstream("orders-2", "v2");

    @AfterEach
    void close() throws Exception {
        mesh.close();
    }

    /** Service orders (a, b), a VirtualService without retries, and a DestinationRule with this trafficPolicy. */
    private void policy(String trafficPolicyYaml, FakeUpstream... replicas) {
        mesh.apply(withPolicy(1, trafficPolicyYaml, replicas));
    }

    private YamlMesh withPolicy(long version, String trafficPolicyYaml, FakeUpstream... replicas) {
        return YamlMesh.builder().version(version).service("orders", MeshFixture.NS, 80, replicas.length == 0 ? new FakeUpstream[] {a, b} : replicas)
                .yaml("""
                        apiVersion: networking.istio.io/v1
                        kind: VirtualService
                        metadata: {name: orders, namespace: shop}
                        spec:
                          hosts: [orders]
                          http:
                          - route: [{destination: {host: orders}}]
                            retries: {attempts: 0}
                        ---
                        apiVersion: networking.istio.io/v1
                        kind: DestinationRule
                        metadata: {name: orders, namespace: shop}
                        spec:
                          host: orders
                          trafficPolicy:
                        """ + trafficPolicyYaml.indent(4)).build();
    }

    private List<ProxiedExchange> concurrently(int n) throws Exception {
        List<Future<ProxiedExchange>> calls = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            calls.add(mesh.outbound.handle(HttpMethod.GET, "orders", 80, "/", MultiMap.caseInsensitiveMultiMap(), Buffer.buffer()));
        }
        Future.all(calls).toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
        return calls.stream().map(Future::result).toList();
    }

    // --- load balancing ---

    @Test
    void roundRobinCyclesThroughTheHostsInOrder() {
        FakeUpstream c = mesh.upstream("orders-3", "v1");
        policy("loadBalancer: {simple: ROUND_ROBIN}", a, b, c);

        List<String> pods = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            pods.add(mesh.get("orders", "/").endpoint().podName());
        }

        for (int i = 3; i < 30; i++) {
            assertThat(pods.get(i)).as("request %d repeats the pick of request %d", i, i - 3).isEqualTo(pods.get(i - 3));
        }
        assertThat(pods.subList(0, 3)).containsExactlyInAnyOrder("orders-1", "orders-2", "orders-3");
    }

    @Test
    void randomSpreadsRequestsUniformly() {
        policy("loadBalancer: {simple: RANDOM}");
        int n = 600;

        for (int i = 0; i < n; i++) {
            mesh.get("orders", "/");
        }

        ConfidenceInterval ci = MeshFixture.interval(n, a.count());
        assertThat(0.5).as("half inside the 99.99%% interval %s of host a's share", ci).isBetween(ci.getLowerBound(), ci.getUpperBound());
    }

    @Test
    void leastRequestIsTheDefaultAndShiftsTrafficAwayFromABusyHost() throws Exception {
        policy("{}");
        // Slow enough that its requests stay in flight for the whole pacing window even on a loaded machine.
        a.always(a.delayed(Duration.ofMillis(1000), 200));
        int n = 200;
        List<Future<ProxiedExchange>> calls = new ArrayList<>();
        Promise<Void> sent = Promise.promise();
        // Pacing: one request every 2 ms, so the slow host accumulates requests in flight while the fast one drains.
        mesh.vertx.setPeriodic(2, id -> {
            calls.add(mesh.outbound.handle(HttpMethod.GET, "orders", 80, "/", MultiMap.caseInsensitiveMultiMap(), Buffer.buffer()));
            if (calls.size() == n) {
                mesh.vertx.cancelTimer(id);
                sent.complete();
            }
        });
        sent.future().toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
        Future.all(new ArrayList<>(calls)).toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);

        ConfidenceInterval ci = MeshFixture.interval(n, a.count());
        assertThat(ci.getUpperBound()).as("slow host's share %s is below the 50%% a blind pick would give", ci).isLessThan(0.5);
    }

    // --- connection pool ---

    @Test
    void connectionPoolOverflowIs503UpstreamOverflowAndNeverRetried() throws Exception {
        mesh.apply(YamlMesh.builder().service("orders", MeshFixture.NS, 80, a).yaml("""
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata: {name: orders, namespace: shop}
                spec:
                  hosts: [orders]
                  http:
                  - route: [{destination: {host: orders}}]
                    retries: {attempts: 3, retryOn: "5xx,reset,503"}
                ---
                apiVersion: networking.istio.io/v1
                kind: DestinationRule
                metadata: {name: orders, namespace: shop}
                spec:
                  host: orders
                  trafficPolicy:
                    connectionPool:
                      tcp: {maxConnections: 1}
                      http: {http1MaxPendingRequests: 1}
                """).build());
        a.always(a.delayed(Duration.ofMillis(1000), 200));

        List<ProxiedExchange> results = concurrently(5);

        List<ProxiedExchange> overflowed = results.stream().filter(r -> r.status() == 503).toList();
        assertThat(overflowed).as("one in flight, one pending, the rest overflow").hasSize(3);
        for (ProxiedExchange r : overflowed) {
            assertThat(r.responseFlagsLabel()).isEqualTo("UO");
            assertThat(r.headers().get("x-envoy-overloaded")).isEqualTo("true");
            assertThat(r.attempts()).isZero();
        }
        assertThat(a.count()).as("requests that reached the upstream").isEqualTo(2);
        assertThat(a.maxInFlight.get()).as("in flight at once with maxConnections 1").isEqualTo(1);
        assertThat(mesh.stats.counter(CLUSTER, "upstream_rq_pending_overflow")).isEqualTo(3);
        assertThat(mesh.stats.counter(CLUSTER, "upstream_rq_retry")).as("overflow is never retried").isZero();
    }

    @Test
    void http2MaxRequestsCapsRequestsInFlight() throws Exception {
        policy("connectionPool: {http: {http2MaxRequests: 2}}", a);
        a.always(a.delayed(Duration.ofMillis(1000), 200));

        List<ProxiedExchange> results = concurrently(4);

        assertThat(results.stream().filter(r -> r.status() == 200).count()).isEqualTo(2);
        assertThat(results.stream().filter(r -> r.responseFlags().contains("UO")).count()).isEqualTo(2);
        assertThat(a.maxInFlight.get()).isLessThanOrEqualTo(2);
    }

    @Test
    void pendingRequestsWaitForAFreeConnection() throws Exception {
        policy("connectionPool: {tcp: {maxConnections: 1}, http: {http1MaxPendingRequests: 10}}", a);
        a.always(a.delayed(Duration.ofMillis(50), 200));

        List<ProxiedExchange> results = concurrently(4);

        assertThat(results).allSatisfy(r -> assertThat(r.status()).isEqualTo(200));
        assertThat(a.maxInFlight.get()).as("requests in flight at once").isEqualTo(1);
    }

    @Test
    void maxRequestsPerConnectionOfOneDisablesKeepAlive() {
        policy("connectionPool: {http: {maxRequestsPerConnection: 1}}", a);
        for (int i = 0; i < 5; i++) {
            assertThat(mesh.get("orders", "/").status()).isEqualTo(200);
        }
        assertThat(a.connections.get()).as("connections for 5 sequential requests").isEqualTo(5);
    }

    @Test
    void maxRequestsPerConnectionClosesTheConnectionAfterThatManyRequests() {
        policy("connectionPool: {http: {maxRequestsPerConnection: 2}}", a);
        for (int i = 0; i < 6; i++) {
            assertThat(mesh.get("orders", "/").status()).isEqualTo(200);
        }
        assertThat(a.connections.get()).as("connections for 6 sequential requests, 2 per connection").isEqualTo(3);
    }

    @Test
    void sequentialRequestsReuseOneKeepAliveConnectionByDefault() {
        policy("{}", a);
        for (int i = 0; i < 5; i++) {
            assertThat(mesh.get("orders", "/").status()).isEqualTo(200);
        }
        assertThat(a.connections.get()).as("connections for 5 sequential requests").isEqualTo(1);
    }

    // --- outlier detection ---

    private static final String EJECT_AFTER_3 = """
            loadBalancer: {simple: ROUND_ROBIN}
            outlierDetection: {consecutive5xxErrors: 3, interval: 10s, baseEjectionTime: 30s, maxEjectionPercent: 100}
            """;

    private void ejectA() {
        a.always(FakeUpstream.status(503));
        for (int i = 0; i < 20 && mesh.stats.gauge(CLUSTER, "outlier_detection_ejections_active") == 0; i++) {
            mesh.get("orders", "/");
        }
        assertThat(mesh.stats.gauge(CLUSTER, "outlier_detection_ejections_active")).as("host a ejected").isEqualTo(1);
    }

    @Test
    void consecutive5xxEjectsTheHostInlineOnTheNthError() {
        policy(EJECT_AFTER_3);

        ejectA();

        for (int i = 0; i < 10; i++) {
            assertThat(mesh.get("orders", "/").endpoint().podName()).as("ejected host skipped").isEqualTo("orders-2");
        }
        assertThat(a.count()).as("requests to the ejected host").isEqualTo(3);
        assertThat(mesh.stats.counter(CLUSTER, "outlier_detection_ejections_enforced_total")).isEqualTo(1);
        assertThat(mesh.stats.counter(CLUSTER, "outlier_detection_ejections_enforced_consecutive_5xx")).isEqualTo(1);
        assertThat(mesh.stats.gauge(CLUSTER, "outlier_detection_ejections_active")).isEqualTo(1);
    }

    @Test
    void ejectionLastsBaseTimesTimesEjectedOnTheIntervalGrid() {
        policy(EJECT_AFTER_3);
        ejectA();
        UpstreamCluster cluster = mesh.outbound.clusterState(CLUSTER).orElseThrow();
        Endpoint hostA = a.endpoint(MeshFixture.NS, "orders-v1");

        mesh.advanceClock(Duration.ofMillis(29_999));
        assertThat(cluster.isEjected(hostA)).as("before base ejection time").isTrue();
        mesh.advanceClock(Duration.ofMillis(1));
        assertThat(cluster.isEjected(hostA)).as("at the 30 s sweep").isFalse();
        assertThat(mesh.stats.gauge(CLUSTER, "outlier_detection_ejections_active")).isZero();

        // Second ejection at t=30 s lasts 2 × 30 s: back at the t=90 s sweep.
        int before = a.count();
        while (a.count() < before + 3) {
            mesh.get("orders", "/");
        }
        assertThat(cluster.isEjected(hostA)).isTrue();
        mesh.advanceClock(Duration.ofMillis(59_999));
        assertThat(cluster.isEjected(hostA)).as("before 2 × base").isTrue();
        mesh.advanceClock(Duration.ofMillis(1));
        assertThat(cluster.isEjected(hostA)).as("after 2 × base").isFalse();
        assertThat(mesh.stats.counter(CLUSTER, "outlier_detection_ejections_enforced_total")).isEqualTo(2);
    }

    @Test
    void unejectionWaitsForTheNextIntervalSweep() {
        policy("""
                loadBalancer: {simple: ROUND_ROBIN}
                outlierDetection: {consecutive5xxErrors: 3, interval: 20s, baseEjectionTime: 5s, maxEjectionPercent: 100}
                """);
        mesh.get("orders", "/");
        UpstreamCluster cluster = mesh.outbound.clusterState(CLUSTER).orElseThrow();
        // The sweep grid starts when the cluster appears (t=0): sweeps at 20 s, 40 s, ...; the ejection happens at t=3 s.
        mesh.advanceClock(Duration.ofSeconds(3));
        ejectA();

        mesh.advanceClock(Duration.ofSeconds(10));
        assertThat(cluster.isEjected(a.endpoint(MeshFixture.NS, "x"))).as("5 s passed, but the next sweep is at 20 s").isTrue();
        mesh.advanceClock(Duration.ofSeconds(7));
        assertThat(cluster.isEjected(a.endpoint(MeshFixture.NS, "x"))).as("at the 20 s sweep").isFalse();
    }

    @Test
    void ejectionTimeIsCappedAt300Seconds() {
        policy("""
                loadBalancer: {simple: ROUND_ROBIN}
                outlierDetection: {consecutive5xxErrors: 3, interval: 1s, baseEjectionTime: 200s, maxEjectionPercent: 100}
                """);
        ejectA();
        UpstreamCluster cluster = mesh.outbound.clusterState(CLUSTER).orElseThrow();
        Endpoint hostA = a.endpoint(MeshFixture.NS, "x");
        mesh.advanceClock(Duration.ofSeconds(200));
        assertThat(cluster.isEjected(hostA)).as("first ejection: 200 s").isFalse();

        int before = a.count();
        while (a.count() < before + 3) {
            mesh.get("orders", "/");
        }
        mesh.advanceClock(Duration.ofSeconds(299));
        assertThat(cluster.isEjected(hostA)).as("second ejection: min(400 s, 300 s) not over at 299 s").isTrue();
        mesh.advanceClock(Duration.ofSeconds(1));
        assertThat(cluster.isEjected(hostA)).as("second ejection over at 300 s").isFalse();
    }

    @Test
    void consecutiveGatewayErrorsEjectOnlyOn502503And504() {
        policy("""
                loadBalancer: {simple: ROUND_ROBIN}
                outlierDetection: {consecutive5xxErrors: 0, consecutiveGatewayErrors: 2, maxEjectionPercent: 100}
                """);
        a.always(FakeUpstream.status(500));
        while (a.count() < 6) {
            mesh.get("orders", "/");
        }
        assertThat(mesh.stats.counter(CLUSTER, "outlier_detection_ejections_enforced_total")).as("500s are not gateway errors").isZero();

        a.always(FakeUpstream.status(502));
        while (a.count() < 8) {
            mesh.get("orders", "/");
        }
        assertThat(mesh.stats.counter(CLUSTER, "outlier_detection_ejections_enforced_consecutive_gateway_failure")).isEqualTo(1);
        assertThat(mesh.stats.counter(CLUSTER, "outlier_detection_ejections_enforced_consecutive_5xx")).isZero();
    }

    @Test
    void maxEjectionPercentStillEjectsAtLeastOneHost() {
        policy("""
                loadBalancer: {simple: ROUND_ROBIN}
                outlierDetection: {consecutive5xxErrors: 1, maxEjectionPercent: 10}
                """);
        a.always(FakeUpstream.status(503));
        b.always(FakeUpstream.status(503));

        for (int i = 0; i < 10; i++) {
            mesh.get("orders", "/");
        }

        assertThat(mesh.stats.gauge(CLUSTER, "outlier_detection_ejections_active")).as("10% of 2 hosts still ejects one").isEqualTo(1);
        assertThat(mesh.stats.counter(CLUSTER, "outlier_detection_ejections_overflow")).as("second ejection refused").isPositive();
        assertThat(mesh.get("orders", "/").responseFlagsLabel()).as("traffic keeps flowing to the remaining host").isEqualTo("-");
    }

    @Test
    void allHostsEjectedGives503NoHealthyUpstream() {
        policy("""
                outlierDetection: {consecutive5xxErrors: 1, maxEjectionPercent: 100}
                """);
        a.always(FakeUpstream.status(503));
        b.always(FakeUpstream.status(503));
        while (mesh.stats.gauge(CLUSTER, "outlier_detection_ejections_active") < 2) {
            mesh.get("orders", "/");
        }

        ProxiedExchange ex = mesh.get("orders", "/");

        assertThat(ex.status()).isEqualTo(503);
        assertThat(ex.responseFlagsLabel()).isEqualTo("UH");
        assertThat(ex.attempts()).isZero();
    }

    @Test
    void belowMinHealthPercentThePanicModeBalancesOverEjectedHostsToo() {
        policy("""
                loadBalancer: {simple: ROUND_ROBIN}
                outlierDetection: {consecutive5xxErrors: 3, maxEjectionPercent: 100, minHealthPercent: 60}
                """);
        ejectA();
        assertThat(mesh.stats.gauge(CLUSTER, "outlier_detection_ejections_active")).isEqualTo(1);
        a.always(FakeUpstream.status(200));
        int before = a.count();

        for (int i = 0; i < 10; i++) {
            mesh.get("orders", "/");
        }

        assertThat(a.count() - before).as("healthy 50% < 60%: the ejected host still gets traffic").isEqualTo(5);
    }

    @Test
    void connectionResetsCountAsErrorsForOutlierDetection() {
        policy(EJECT_AFTER_3);
        a.always(FakeUpstream.reset());
        while (a.count() < 3) {
            mesh.get("orders", "/");
        }
        assertThat(mesh.stats.counter(CLUSTER, "outlier_detection_ejections_enforced_consecutive_5xx")).isEqualTo(1);
    }

    @Test
    void outlierStateSurvivesANewConfigSnapshotWhileTheClusterExists() {
        policy(EJECT_AFTER_3);
        ejectA();

        mesh.apply(withPolicy(2, EJECT_AFTER_3.replace("ROUND_ROBIN", "RANDOM")));
        for (int i = 0; i < 10; i++) {
            assertThat(mesh.get("orders", "/").endpoint().podName()).isEqualTo("orders-2");
        }

        mesh.apply(YamlMesh.builder().version(3).service("payments", MeshFixture.NS, 80, b).build());
        assertThat(mesh.get("payments", "/").status()).as("a request under the snapshot without orders").isEqualTo(200);
        mesh.apply(withPolicy(4, EJECT_AFTER_3));
        a.always(FakeUpstream.status(200));
        assertThat(mesh.get("orders", "/").status()).isEqualTo(200);
        assertThat(mesh.outbound.clusterState(CLUSTER).orElseThrow().ejectedHosts())
                .as("the cluster was removed and recreated, so its ejections are gone").isZero();
    }

    @Test
    void subsetTrafficPolicyOverridesTheTopLevelPolicy() throws Exception {
        mesh.apply(YamlMesh.builder().service("orders", MeshFixture.NS, 80, a, b).yaml("""
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata: {name: orders, namespace: shop}
                spec:
                  hosts: [orders]
                  http:
                  - match: [{headers: {x-subset: {exact: v2}}}]
                    route: [{destination: {host: orders, subset: v2}}]
                  - route: [{destination: {host: orders, subset: v1}}]
                ---
                apiVersion: networking.istio.io/v1
                kind: DestinationRule
                metadata: {name: orders, namespace: shop}
                spec:
                  host: orders
                  trafficPolicy:
                    connectionPool: {http: {http2MaxRequests: 100}}
                  subsets:
                  - name: v1
                    labels: {version: v1}
                    trafficPolicy:
                      connectionPool: {http: {http2MaxRequests: 1}}
                  - name: v2
                    labels: {version: v2}
                """).build());
        a.always(a.delayed(Duration.ofMillis(1000), 200));
        b.always(b.delayed(Duration.ofMillis(1000), 200));

        List<ProxiedExchange> v1 = concurrently(3);
        List<Future<ProxiedExchange>> v2Calls = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            v2Calls.add(mesh.outbound.handle(HttpMethod.GET, "orders", 80, "/", MeshFixture.headers("x-subset", "v2"), Buffer.buffer()));
        }
        Future.all(v2Calls).toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);

        assertThat(v1.stream().filter(r -> r.responseFlags().contains("UO")).count()).as("v1 overflows at its own limit 1").isEqualTo(2);
        assertThat(v2Calls).as("v2 inherits the top-level limit 100").allSatisfy(f -> assertThat(f.result().status()).isEqualTo(200));
        assertThat(mesh.stats.counter("outbound|80|v1|orders.shop.svc.cluster.local", "upstream_rq_pending_overflow")).isEqualTo(2);
    }
}
