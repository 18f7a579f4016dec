package io.k1s0.fault.localmesh;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class EnvoyOutboundRetryTest {
    private static final String CLUSTER = "outbound|80||orders.shop.svc.cluster.local";
    private final MeshFixture mesh = new MeshFixture();
    private final FakeUpstream a = mesh.upstream("orders-1", "v1");

    @AfterEach
    void close() throws Exception {
        mesh.close();
    }

    private void route(String routeFields, FakeUpstream... replicas) {
        mesh.apply(YamlMesh.builder().service("orders", MeshFixture.NS, 80, replicas).yaml("""
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata: {name: orders, namespace: shop}
                spec:
                  hosts: [orders]
                  http:
                  - route: [{destination: {host: orders}}]
                """ + routeFields.indent(4)).build());
    }

    private static int closedPort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private List<String> attemptCounts(FakeUpstream u) {
        return u.received.stream().map(FakeUpstream.Received::attemptCount).toList();
    }

    @Test
    void defaultRetryPolicyDoesNotRetry503InIstio124() {
        mesh.apply(YamlMesh.builder().service("orders", MeshFixture.NS, 80, a).build());
        a.always(FakeUpstream.status(503));

        ProxiedExchange ex = mesh.get("orders", "/");

        assertThat(ex.status()).isEqualTo(503);
        assertThat(ex.attempts()).as("attempts for an upstream 503 under the default policy").isEqualTo(1);
        assertThat(ex.responseFlagsLabel()).isEqualTo("-");
        assertThat(mesh.stats.counter(CLUSTER, "upstream_rq_retry")).isZero();
    }

    @Test
    void defaultRetryPolicyRetriesConnectFailureOnAnotherHost() {
        Endpoint dead = new Endpoint("orders-dead", MeshFixture.NS, "orders-v1", Map.of("version", "v1"), "127.0.0.1", closedPort());
        mesh.apply(YamlMesh.builder().serviceWithEndpoints("orders", MeshFixture.NS, 80, List.of(dead, a.endpoint(MeshFixture.NS, "orders-v1"))).build());

        for (int i = 0; i < 30; i++) {
            ProxiedExchange ex = mesh.get("orders", "/");
            assertThat(ex.status()).as("request %d despite a dead replica", i).isEqualTo(200);
        }

        long retries = mesh.stats.counter(CLUSTER, "upstream_rq_retry");
        assertThat(retries).as("connect failures retried").isPositive();
        assertThat(mesh.stats.counter(CLUSTER, "upstream_rq_retry_success")).as("retries that succeeded").isEqualTo(retries);
    }

    @Test
    void connectFailureWithoutRetriesIs503UpstreamConnectionFailure() {
        Endpoint dead = new Endpoint("orders-dead", MeshFixture.NS, "orders-v1", Map.of("version", "v1"), "127.0.0.1", closedPort());
        mesh.apply(YamlMesh.builder().serviceWithEndpoints("orders", MeshFixture.NS, 80, List.of(dead)).yaml("""
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata: {name: orders, namespace: shop}
                spec:
                  hosts: [orders]
                  http:
                  - route: [{destination: {host: orders}}]
                    retries: {attempts: 0}
                """).build());

        ProxiedExchange ex = mesh.get("orders", "/");

        assertThat(ex.status()).isEqualTo(503);
        assertThat(ex.responseFlagsLabel()).isEqualTo("UF");
        assertThat(ex.body().toString()).contains("reset reason: connection failure");
    }

    @Test
    void retryOn5xxRetriesUntilSuccessAndSendsTheAttemptCount() {
        route("retries: {attempts: 3, retryOn: 5xx}", a);
        a.then(FakeUpstream.status(503), FakeUpstream.status(500));

        ProxiedExchange ex = mesh.get("orders", "/");

        assertThat(ex.status()).isEqualTo(200);
        assertThat(ex.attempts()).isEqualTo(3);
        assertThat(ex.responseFlagsLabel()).isEqualTo("-");
        assertThat(attemptCounts(a)).as("x-envoy-attempt-count seen upstream").containsExactly("1", "2", "3");
        assertThat(mesh.stats.counter(CLUSTER, "upstream_rq_retry")).isEqualTo(2);
        assertThat(mesh.stats.counter(CLUSTER, "upstream_rq_retry_success")).isEqualTo(1);
    }

    @Test
    void exhaustedRetriesReturnTheLastUpstreamResponseWithRetryLimitExceeded() {
        route("retries: {attempts: 2, retryOn: 5xx}", a);
        a.always(FakeUpstream.status(503));

        ProxiedExchange ex = mesh.get("orders", "/");

        assertThat(ex.status()).isEqualTo(503);
        assertThat(ex.body().toString()).as("the upstream's own body, not a local reply").isEqualTo("status 503");
        assertThat(ex.responseFlagsLabel()).isEqualTo("URX");
        assertThat(ex.attempts()).isEqualTo(3);
        assertThat(mesh.stats.counter(CLUSTER, "upstream_rq_retry_limit_exceeded")).isEqualTo(1);
        assertThat(mesh.stats.counter(CLUSTER, "upstream_rq_retry_success")).isZero();
    }

    @Test
    void attemptsZeroDisablesRetries() {
        route("retries: {attempts: 0, retryOn: 5xx}", a);
        a.always(FakeUpstream.status(503));

        ProxiedExchange ex = mesh.get("orders", "/");

        assertThat(ex.attempts()).isEqualTo(1);
        assertThat(ex.responseFlagsLabel()).as("no URX without a retry policy").isEqualTo("-");
        assertThat(mesh.stats.counter(CLUSTER, "upstream_rq_retry_limit_exceeded")).isZero();
    }

    @Test
    void gatewayErrorRetriesOnly502503And504() {
        route("retries: {attempts: 1, retryOn: gateway-error}", a);

        a.then(FakeUpstream.status(500));
        assertThat(mesh.get("orders", "/").attempts()).as("500 is not a gateway error").isEqualTo(1);
        for (int code : new int[] {502, 503, 504}) {
            a.then(FakeUpstream.status(code));
            assertThat(mesh.get("orders", "/").attempts()).as("%d is retried", code).isEqualTo(2);
        }
    }

    @Test
    void retriable4xxRetriesOnly409() {
        route("retries: {attempts: 1, retryOn: retriable-4xx}", a);

        a.then(FakeUpstream.status(409));
        assertThat(mesh.get("orders", "/").attempts()).isEqualTo(2);
        a.then(FakeUpstream.status(429));
        assertThat(mesh.get("orders", "/").attempts()).as("429 is not retriable-4xx").isEqualTo(1);
        a.then(FakeUpstream.status(503));
        assertThat(mesh.get("orders", "/").attempts()).isEqualTo(1);
    }

    @Test
    void bareStatusCodesRetryExactlyThoseCodes() {
        route("retries: {attempts: 1, retryOn: \"429,503\"}", a);

        a.then(FakeUpstream.status(429));
        assertThat(mesh.get("orders", "/").attempts()).isEqualTo(2);
        a.then(FakeUpstream.status(503));
        assertThat(mesh.get("orders", "/").attempts()).isEqualTo(2);
        a.then(FakeUpstream.status(500));
        assertThat(mesh.get("orders", "/").attempts()).isEqualTo(1);
    }

    @Test
    void resetRetriesAConnectionClosedWithoutResponseButConnectFailureDoesNot() {
        route("retries: {attempts: 1, retryOn: reset}", a);
        a.then(FakeUpstream.reset());
        ProxiedExchange retried = mesh.get("orders", "/");
        assertThat(retried.status()).isEqualTo(200);
        assertThat(retried.attempts()).isEqualTo(2);

        route("retries: {attempts: 1, retryOn: connect-failure}", a);
        a.then(FakeUpstream.reset());
        ProxiedExchange notRetried = mesh.get("orders", "/");
        assertThat(notRetried.status()).isEqualTo(503);
        assertThat(notRetried.responseFlagsLabel()).as("connection termination").isEqualTo("UC");
        assertThat(notRetried.attempts()).isEqualTo(1);
    }

    @Test
    void envoyRateLimitedRetriesOnlyResponsesCarryingTheHeader() {
        route("retries: {attempts: 1, retryOn: envoy-ratelimited}", a);

        a.then(FakeUpstream.statusWithHeader(429, "x-envoy-ratelimited", "true"));
        assertThat(mesh.get("orders", "/").attempts()).isEqualTo(2);
        a.then(FakeUpstream.status(429));
        assertThat(mesh.get("orders", "/").attempts()).isEqualTo(1);
    }

    @Test
    void grpcTokensRetryOnTheGrpcStatusResponseHeader() {
        route("retries: {attempts: 1, retryOn: unavailable}", a);

        a.then(FakeUpstream.statusWithHeader(200, "grpc-status", "14"));
        assertThat(mesh.get("orders", "/").attempts()).as("grpc-status 14 = unavailable").isEqualTo(2);
        a.then(FakeUpstream.statusWithHeader(200, "grpc-status", "13"));
        assertThat(mesh.get("orders", "/").attempts()).as("grpc-status 13 = internal, not listed").isEqualTo(1);
    }

    @Test
    void perTryTimeoutIsRetriedWith5xx() {
        // 1 s, not less: the retry opens a new connection and must answer within it on a loaded machine too.
        route("retries: {attempts: 2, perTryTimeout: 1s, retryOn: 5xx}", a);
        a.then(FakeUpstream.hang());

        ProxiedExchange ex = mesh.get("orders", "/");

        assertThat(ex.status()).isEqualTo(200);
        assertThat(ex.attempts()).isEqualTo(2);
        assertThat(mesh.stats.counter(CLUSTER, "upstream_rq_per_try_timeout")).isEqualTo(1);
    }

    @Test
    void perTryTimeoutIsNotRetriedWithoutFiveXxOrGatewayError() {
        route("retries: {attempts: 2, perTryTimeout: 100ms, retryOn: \"connect-failure,reset,503\"}", a);
        a.then(FakeUpstream.hang());

        ProxiedExchange ex = mesh.get("orders", "/");

        assertThat(ex.status()).isEqualTo(504);
        assertThat(ex.responseFlagsLabel()).isEqualTo("UT");
        assertThat(ex.body().toString()).isEqualTo("upstream request timeout");
        assertThat(ex.attempts()).isEqualTo(1);
    }

    @Test
    void routeTimeoutCoversAllRetriesAndBackoff() {
        route("""
                timeout: 300ms
                retries: {attempts: 10, retryOn: 5xx}
                """, a);
        a.always(a.delayed(Duration.ofMillis(120), 503));

        ProxiedExchange ex = mesh.get("orders", "/");

        assertThat(ex.status()).isEqualTo(504);
        assertThat(ex.responseFlagsLabel()).isEqualTo("UT");
        assertThat(ex.attempts()).as("attempts that fit in 300 ms of 120 ms tries").isBetween(1, 3);
        assertThat(Duration.ofNanos(ex.durationNanos())).isGreaterThanOrEqualTo(Duration.ofMillis(300));
        assertThat(mesh.stats.counter(CLUSTER, "upstream_rq_timeout")).isEqualTo(1);
    }

    @Test
    void routeTimeoutOfZeroMeansNoTimeout() {
        route("timeout: 0s", a);
        a.then(a.delayed(Duration.ofMillis(300), 200));

        ProxiedExchange ex = mesh.get("orders", "/");

        assertThat(ex.status()).isEqualTo(200);
        assertThat(ex.responseFlagsLabel()).isEqualTo("-");
    }

    @Test
    void previousHostsPredicateSendsEachRetryToAHostNotTriedYet() {
        FakeUpstream b = mesh.upstream("orders-2", "v1");
        FakeUpstream c = mesh.upstream("orders-3", "v1");
        route("retries: {attempts: 2, retryOn: 5xx}", a, b, c);
        a.always(FakeUpstream.status(503));
        b.always(FakeUpstream.status(503));
        c.always(FakeUpstream.status(503));

        for (int i = 1; i <= 20; i++) {
            assertThat(mesh.get("orders", "/").attempts()).isEqualTo(3);
            assertThat(List.of(a.count(), b.count(), c.count())).as("after %d requests of 3 attempts each", i).containsOnly(i);
        }
    }

    @Test
    void retryCircuitBreakerOverflowReturnsTheResponseWithUpstreamOverflow() throws Exception {
        mesh.apply(YamlMesh.builder().service("orders", MeshFixture.NS, 80, a).yaml("""
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata: {name: orders, namespace: shop}
                spec:
                  hosts: [orders]
                  http:
                  - route: [{destination: {host: orders}}]
                    retries: {attempts: 1, retryOn: 5xx}
                ---
                apiVersion: networking.istio.io/v1
                kind: DestinationRule
                metadata: {name: orders, namespace: shop}
                spec:
                  host: orders
                  trafficPolicy: {connectionPool: {http: {maxRetries: 1}}}
                """).build());
        a.always(a.delayed(Duration.ofMillis(1000), 503));

        List<Future<ProxiedExchange>> calls = List.of(
                mesh.outbound.handle(HttpMethod.GET, "orders", 80, "/", MultiMap.caseInsensitiveMultiMap(), Buffer.buffer()),
                mesh.outbound.handle(HttpMethod.GET, "orders", 80, "/", MultiMap.caseInsensitiveMultiMap(), Buffer.buffer()));
        Future.all(calls).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);

        List<String> flags = calls.stream().map(f -> f.result().responseFlagsLabel()).toList();
        assertThat(flags).as("one retried to the limit, one blocked by maxRetries").containsExactlyInAnyOrder("URX", "UO");
        assertThat(mesh.stats.counter(CLUSTER, "upstream_rq_retry_overflow")).isEqualTo(1);
        assertThat(mesh.stats.counter(CLUSTER, "upstream_rq_retry")).isEqualTo(1);
    }
}
