package io.k1s0.fault.localmesh;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.hipparchus.stat.interval.ConfidenceInterval;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class EnvoyOutboundFaultTest {
    private final MeshFixture mesh = new MeshFixture();
    private final FakeUpstream a = mesh.upstream("orders-1", "v1");
    private final FakeUpstream b = mesh.upstream("orders-2", "v1");

    @AfterEach
    void close() throws Exception {
        mesh.close();
    }

    private void applyRoute(String httpRouteYaml) {
        applyRoute(httpRouteYaml, "");
    }

    private void applyRoute(String httpRouteYaml, String destinationRuleYaml) {
        YamlMesh.Builder b2 = YamlMesh.builder().service("orders", MeshFixture.NS, 80, a, b).yaml("""
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata: {name: orders, namespace: shop}
                spec:
                  hosts: [orders]
                  http:
                """ + httpRouteYaml.indent(2));
        if (!destinationRuleYaml.isBlank()) {
            b2.yaml(destinationRuleYaml);
        }
        mesh.apply(b2.build());
    }

    private int upstreamCount() {
        return a.count() + b.count();
    }

    @Test
    void abortHitsTheConfiguredPercentageAndAbortedRequestsNeverReachUpstream() {
        applyRoute("""
                - fault: {abort: {httpStatus: 503, percentage: {value: 30}}}
                  route: [{destination: {host: orders}}]
                """);
        int n = 1000;
        int aborted = 0;

        for (int i = 0; i < n; i++) {
            ProxiedExchange ex = mesh.get("orders", "/");
            if (ex.responseFlags().contains("FI")) {
                aborted++;
                assertThat(ex.status()).isEqualTo(503);
                assertThat(ex.body().toString()).isEqualTo("fault filter abort");
                assertThat(ex.attempts()).as("upstream attempts of an aborted request").isZero();
                assertThat(ex.endpoint()).isNull();
            } else {
                assertThat(ex.status()).isEqualTo(200);
            }
        }

        ConfidenceInterval ci = MeshFixture.interval(n, aborted);
        assertThat(0.30).as("30%% inside the 99.99%% interval %s of the aborted share", ci).isBetween(ci.getLowerBound(), ci.getUpperBound());
        assertThat(upstreamCount()).as("requests that reached an upstream").isEqualTo(n - aborted);
    }

    @Test
    void missingPercentageInjectsNeitherDelayNorAbort() {
        applyRoute("""
                - fault:
                    delay: {fixedDelay: 2s}
                    abort: {httpStatus: 500}
                  route: [{destination: {host: orders}}]
                """);

        for (int i = 0; i < 200; i++) {
            ProxiedExchange ex = mesh.get("orders", "/");
            assertThat(ex.status()).isEqualTo(200);
            assertThat(ex.responseFlagsLabel()).isEqualTo("-");
        }
    }

    @Test
    void delayAndAbortAreIndependentDrawsSoARequestCanBeDelayedThenAborted() {
        applyRoute("""
                - fault:
                    delay: {fixedDelay: 1ms, percentage: {value: 50}}
                    abort: {httpStatus: 500, percentage: {value: 50}}
                  route: [{destination: {host: orders}}]
                """);
        int n = 800;
        Map<String, Integer> byFlags = new HashMap<>();

        for (int i = 0; i < n; i++) {
            byFlags.merge(mesh.get("orders", "/").responseFlagsLabel(), 1, Integer::sum);
        }

        assertThat(byFlags.keySet()).containsExactlyInAnyOrder("DI,FI", "DI", "FI", "-");
        for (Map.Entry<String, Integer> e : byFlags.entrySet()) {
            ConfidenceInterval ci = MeshFixture.interval(n, e.getValue());
            assertThat(0.25).as("25%% inside the 99.99%% interval %s for flags %s", ci, e.getKey())
                    .isBetween(ci.getLowerBound(), ci.getUpperBound());
        }
        assertThat(upstreamCount()).as("only unaborted requests reach upstream").isEqualTo(byFlags.get("DI") + byFlags.get("-"));
    }

    @Test
    void abortIsNeverRetried() {
        applyRoute("""
                - fault: {abort: {httpStatus: 503, percentage: {value: 100}}}
                  retries: {attempts: 3, retryOn: "5xx,503"}
                  route: [{destination: {host: orders}}]
                """);

        for (int i = 0; i < 20; i++) {
            ProxiedExchange ex = mesh.get("orders", "/");
            assertThat(ex.status()).isEqualTo(503);
            assertThat(ex.responseFlagsLabel()).isEqualTo("FI");
        }

        assertThat(upstreamCount()).isZero();
        assertThat(mesh.stats.counter("outbound|80||orders.shop.svc.cluster.local", "upstream_rq_retry")).isZero();
    }

    @Test
    void delayIsNotBoundedByRouteTimeoutOrPerTryTimeout() {
        applyRoute("""
                - fault: {delay: {fixedDelay: 300ms, percentage: {value: 100}}}
                  timeout: 100ms
                  retries: {attempts: 1, perTryTimeout: 50ms, retryOn: 5xx}
                  route: [{destination: {host: orders}}]
                """);

        ProxiedExchange ex = mesh.get("orders", "/");

        assertThat(ex.status()).as("delayed request still succeeds").isEqualTo(200);
        assertThat(ex.responseFlagsLabel()).isEqualTo("DI");
        assertThat(Duration.ofNanos(ex.durationNanos())).as("duration includes the delay").isGreaterThanOrEqualTo(Duration.ofMillis(300));
    }

    @Test
    void routeTimeoutStartsAfterTheInjectedDelay() {
        applyRoute("""
                - fault: {delay: {fixedDelay: 200ms, percentage: {value: 100}}}
                  timeout: 150ms
                  route: [{destination: {host: orders}}]
                """);
        a.always(a.delayed(Duration.ofSeconds(2), 200));
        b.always(b.delayed(Duration.ofSeconds(2), 200));

        ProxiedExchange ex = mesh.get("orders", "/");

        assertThat(ex.status()).isEqualTo(504);
        assertThat(ex.responseFlagsLabel()).as("delayed and then timed out").isEqualTo("UT,DI");
        assertThat(Duration.ofNanos(ex.durationNanos())).as("delay + route timeout").isGreaterThanOrEqualTo(Duration.ofMillis(350));
        assertThat(upstreamCount()).as("the request did reach upstream after the delay").isEqualTo(1);
    }

    @Test
    void abortsNeverFeedOutlierDetection() {
        applyRoute("""
                - fault: {abort: {httpStatus: 503, percentage: {value: 100}}}
                  route: [{destination: {host: orders}}]
                """, """
                apiVersion: networking.istio.io/v1
                kind: DestinationRule
                metadata: {name: orders, namespace: shop}
                spec:
                  host: orders
                  trafficPolicy:
                    outlierDetection: {consecutive5xxErrors: 1, interval: 10s, baseEjectionTime: 30s, maxEjectionPercent: 100}
                """);

        for (int i = 0; i < 20; i++) {
            assertThat(mesh.get("orders", "/").responseFlagsLabel()).isEqualTo("FI");
        }

        assertThat(mesh.stats.counter("outbound|80||orders.shop.svc.cluster.local", "outlier_detection_ejections_enforced_total"))
                .as("ejections caused by injected aborts").isZero();
    }

    @Test
    void grpcAbortAnswersHttp200WithTheGrpcStatusInHeaders() {
        applyRoute("""
                - fault: {abort: {grpcStatus: UNAVAILABLE, percentage: {value: 100}}}
                  route: [{destination: {host: orders}}]
                """);

        ProxiedExchange ex = mesh.get("orders", "/");

        assertThat(ex.status()).isEqualTo(200);
        assertThat(ex.headers().get("grpc-status")).isEqualTo("14");
        assertThat(ex.responseFlagsLabel()).isEqualTo("FI");
    }
}
