package io.k1s0.fault.localmesh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import org.hipparchus.stat.interval.ConfidenceInterval;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class EnvoyOutboundMirrorTest {
    private static final String SHADOW_CLUSTER = "outbound|80||orders-next.shop.svc.cluster.local";
    private final MeshFixture mesh = new MeshFixture();
    private final FakeUpstream primary = mesh.upstream("orders-1", "v1");
    private final FakeUpstream shadow = mesh.upstream("orders-next-1", "v2");

    @AfterEach
    void close() throws Exception {
        mesh.close();
    }

    private void mirror(String mirrorFields) {
        mesh.apply(YamlMesh.builder()
                .service("orders", MeshFixture.NS, 80, primary)
                .service("orders-next", MeshFixture.NS, 80, shadow)
                .yaml("""
                        apiVersion: networking.istio.io/v1
                        kind: VirtualService
                        metadata: {name: orders, namespace: shop}
                        spec:
                          hosts: [orders]
                          http:
                          - route: [{destination: {host: orders}}]
                        """ + mirrorFields.indent(4)).build());
    }

    private void awaitShadowsDelivered() {
        await("every mirrored copy reached the shadow upstream").atMost(Duration.ofSeconds(10))
                .until(() -> shadow.count() == mesh.stats.counter(SHADOW_CLUSTER, "upstream_rq_total"));
    }

    @Test
    void mirrorWithoutPercentageCopiesEveryRequestWithShadowHost() {
        mirror("mirror: {host: orders-next}");

        for (int i = 0; i < 10; i++) {
            assertThat(mesh.send(io.vertx.core.http.HttpMethod.GET, "orders", 80, "/m", MeshFixture.headers("host", "orders")).status())
                    .isEqualTo(200);
        }

        await("10 shadow copies").atMost(Duration.ofSeconds(10)).until(() -> shadow.count() == 10);
        assertThat(shadow.received).allSatisfy(r -> {
            assertThat(r.host()).as("Host of the mirrored copy").isEqualTo("orders-shadow");
            assertThat(r.path()).isEqualTo("/m");
        });
        assertThat(primary.count()).isEqualTo(10);
    }

    @Test
    void shadowSuffixGoesBeforeThePort() {
        assertThat(new UpstreamRequest(io.vertx.core.http.HttpMethod.GET, "reviews:9080", "/", io.vertx.core.MultiMap.caseInsensitiveMultiMap(),
                io.vertx.core.buffer.Buffer.buffer()).shadowAuthority()).isEqualTo("reviews-shadow:9080");
    }

    @Test
    void mirrorFailuresAndSlownessNeverReachTheCaller() {
        mirror("mirror: {host: orders-next}");
        shadow.always(FakeUpstream.reset());

        ProxiedExchange failing = mesh.get("orders", "/");
        shadow.always(shadow.delayed(Duration.ofSeconds(3), 500));
        ProxiedExchange slow = mesh.get("orders", "/");

        assertThat(failing.status()).isEqualTo(200);
        assertThat(failing.responseFlagsLabel()).isEqualTo("-");
        assertThat(slow.status()).isEqualTo(200);
        assertThat(Duration.ofNanos(slow.durationNanos())).as("caller does not wait for the mirror").isLessThan(Duration.ofSeconds(2));
    }

    @Test
    @DisplayName("A copy unanswered when the route timeout passes is reset and counted as the mirror cluster's upstream_rq_timeout")
    void shadowIsResetAtTheRouteTimeout() {
        mirror("""
                timeout: 300ms
                mirror: {host: orders-next}
                """);
        shadow.always(FakeUpstream.hang());

        assertThat(mesh.get("orders", "/").status()).as("the caller's answer, from the primary").isEqualTo(200);

        await("the hanging copy's connection closed by the route timeout").atMost(Duration.ofSeconds(10))
                .until(() -> shadow.count() == 1 && shadow.inFlight.get() == 0);
        assertThat(mesh.stats.counter(SHADOW_CLUSTER, "upstream_rq_timeout")).as("mirror cluster's timeouts").isEqualTo(1);
        assertThat(mesh.stats.counter("outbound|80||orders.shop.svc.cluster.local", "upstream_rq_timeout"))
                .as("the primary cluster answered in time").isZero();
    }

    @Test
    @DisplayName("Without a route timeout (Istio's default) a copy waits for its answer as long as the upstream takes")
    void shadowWithoutRouteTimeoutIsNotReset() {
        mirror("mirror: {host: orders-next}");
        shadow.always(FakeUpstream.hang());

        mesh.get("orders", "/");

        await("the copy arrived").atMost(Duration.ofSeconds(10)).until(() -> shadow.inFlight.get() == 1);
        await("the copy stays open").during(Duration.ofMillis(600)).atMost(Duration.ofSeconds(2)).until(() -> shadow.inFlight.get() == 1);
        assertThat(mesh.stats.counter(SHADOW_CLUSTER, "upstream_rq_timeout")).as("mirror cluster's timeouts").isZero();
    }

    @Test
    void mirrorPercentageSamplesTheCopies() {
        mirror("""
                mirror: {host: orders-next}
                mirrorPercentage: {value: 25.0}
                """);
        int n = 800;

        for (int i = 0; i < n; i++) {
            mesh.get("orders", "/");
        }
        awaitShadowsDelivered();

        ConfidenceInterval ci = MeshFixture.interval(n, shadow.count());
        assertThat(0.25).as("25%% inside the 99.99%% interval %s of mirrored share", ci).isBetween(ci.getLowerBound(), ci.getUpperBound());
        assertThat(primary.count()).isEqualTo(n);
    }

    @Test
    void abortedRequestsAreNotMirrored() {
        mirror("""
                mirror: {host: orders-next}
                fault: {abort: {httpStatus: 500, percentage: {value: 100}}}
                """);

        for (int i = 0; i < 10; i++) {
            assertThat(mesh.get("orders", "/").responseFlagsLabel()).isEqualTo("FI");
        }

        assertThat(mesh.stats.counter(SHADOW_CLUSTER, "upstream_rq_total")).as("copies sent for aborted requests").isZero();
    }
}
