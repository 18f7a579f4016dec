package io.k1s0.fault.localmesh;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpMethod;
import java.util.List;
import java.util.Map;
import org.hipparchus.stat.interval.ConfidenceInterval;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class EnvoyOutboundRoutingTest {
    private final MeshFixture mesh = new MeshFixture();
    private final FakeUpstream v1 = mesh.upstream("reviews-1", "v1");
    private final FakeUpstream v2 = mesh.upstream("reviews-2", "v2");

    @AfterEach
    void close() throws Exception {
        mesh.close();
    }

    private YamlMesh.Builder reviews() {
        return YamlMesh.builder().service("reviews", MeshFixture.NS, 80, v1, v2);
    }

    private static final String SUBSETS = """
            apiVersion: networking.istio.io/v1
            kind: DestinationRule
            metadata: {name: reviews, namespace: shop}
            spec:
              host: reviews
              subsets:
              - name: v1
                labels: {version: v1}
              - name: v2
                labels: {version: v2}
              - name: v3
                labels: {version: v3}
            """;

    @Test
    void unknownHostGets502WithNoRouteFlagAndNoService() {
        mesh.apply(reviews().build());

        ProxiedExchange ex = mesh.get("ratings", "/");

        assertThat(ex.status()).as("status for a host outside the registry").isEqualTo(502);
        assertThat(ex.responseFlags()).as("flags").containsExactly("NR");
        assertThat(ex.service()).as("service").isNull();
        assertThat(ex.body().toString()).as("body names the host").contains("ratings:80");
    }

    @Test
    void portThatIsNotTheServicePortDoesNotResolve() {
        mesh.apply(reviews().build());

        ProxiedExchange ex = mesh.send(HttpMethod.GET, "reviews", 9080, "/", MeshFixture.headers());

        assertThat(ex.status()).as("status for a port the Service does not expose").isEqualTo(502);
        assertThat(ex.responseFlagsLabel()).isEqualTo("NR");
    }

    @Test
    void shortNamesResolveInTheCallersNamespaceAndQualifiedNamesEverywhere() {
        FakeUpstream other = mesh.upstream("ratings-1", "v1");
        mesh.apply(reviews().service("ratings", "other", 80, other).build());

        assertThat(mesh.get("reviews", "/").status()).as("short name in caller namespace").isEqualTo(200);
        assertThat(mesh.get("reviews.shop.svc.cluster.local", "/").status()).as("FQDN").isEqualTo(200);
        assertThat(mesh.get("ratings.other", "/").status()).as("name.namespace").isEqualTo(200);
        assertThat(mesh.get("ratings", "/").status()).as("short name of another namespace").isEqualTo(502);
        assertThat(other.count()).as("requests that reached ratings").isEqualTo(1);
    }

    @Test
    void withoutVirtualServiceTheDefaultRouteReachesTheServiceAndUpstreamSeesHostAndAttemptCount() {
        mesh.apply(reviews().build());

        ProxiedExchange ex = mesh.send(HttpMethod.GET, "reviews", 80, "/books?id=1",
                MeshFixture.headers("host", "reviews", "x-test", "kept"));

        assertThat(ex.status()).isEqualTo(200);
        assertThat(ex.responseFlagsLabel()).as("flags of a plain success").isEqualTo("-");
        assertThat(ex.attempts()).isEqualTo(1);
        assertThat(ex.endpoint()).as("endpoint that answered").isNotNull();
        FakeUpstream.Received seen = v1.count() == 1 ? v1.received.get(0) : v2.received.get(0);
        assertThat(seen.host()).as("Host header the upstream saw").isEqualTo("reviews");
        assertThat(seen.attemptCount()).as("x-envoy-attempt-count").isEqualTo("1");
        assertThat(seen.header()).as("caller header forwarded").isEqualTo("kept");
        assertThat(seen.path()).isEqualTo("/books");
    }

    @Test
    void hopByHopHeadersAndExpectAreDroppedAndEveryRequestGetsItsOwnVersion4RequestIdUnlessItHasOne() {
        mesh.apply(reviews().build());
        MultiMap sent = MeshFixture.headers("host", "reviews", "Proxy-Connection", "keep-alive", "Keep-Alive", "timeout=5",
                "TE", "trailers", "Upgrade", "h2c", "Expect", "100-continue", "x-test", "kept");

        for (int i = 0; i < 3; i++) {
            assertThat(mesh.send(HttpMethod.GET, "reviews", 80, "/", sent).status()).isEqualTo(200);
        }
        assertThat(mesh.send(HttpMethod.GET, "reviews", 80, "/", MeshFixture.headers("x-request-id", "from-the-caller")).status())
                .isEqualTo(200);

        List<Map<String, String>> seen = java.util.stream.Stream.concat(v1.received.stream(), v2.received.stream())
                .sorted(java.util.Comparator.comparingLong(FakeUpstream.Received::atNanos)).map(FakeUpstream.Received::headers).toList();
        assertThat(seen).hasSize(4);
        for (Map<String, String> h : seen.subList(0, 3)) {
            assertThat(h).as("hop-by-hop headers are the proxy's, and Expect the listener answered: never forwarded")
                    .doesNotContainKeys("proxy-connection", "keep-alive", "te", "upgrade", "expect")
                    .containsEntry("x-test", "kept").containsEntry("x-forwarded-proto", "http");
            assertThat(java.util.UUID.fromString(h.get("x-request-id")).version()).as("x-request-id is a random UUID").isEqualTo(4);
        }
        assertThat(seen.subList(0, 3).stream().map(h -> h.get("x-request-id")).distinct()).as("a fresh id per request").hasSize(3);
        assertThat(seen.get(3)).as("the caller's own id is kept").containsEntry("x-request-id", "from-the-caller");
    }

    @Test
    void firstMatchingRouteWinsEvenWhenLaterRoutesAlsoMatch() {
        mesh.apply(reviews().yaml(SUBSETS).yaml("""
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata: {name: reviews, namespace: shop}
                spec:
                  hosts: [reviews]
                  http:
                  - match: [{uri: {prefix: /api}}]
                    route: [{destination: {host: reviews, subset: v2}}]
                  - match: [{uri: {prefix: /api/books}}]
                    route: [{destination: {host: reviews, subset: v1}}]
                """).build());

        for (int i = 0; i < 10; i++) {
            assertThat(mesh.get("reviews", "/api/books").status()).isEqualTo(200);
        }

        assertThat(v2.count()).as("requests on the first matching route (v2)").isEqualTo(10);
        assertThat(v1.count()).as("requests on the later route (v1)").isZero();
    }

    @Test
    void uriExactPrefixAndRegexMatchTheWholePathWithoutQuery() {
        mesh.apply(reviews().yaml(SUBSETS).yaml("""
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata: {name: reviews, namespace: shop}
                spec:
                  hosts: [reviews]
                  http:
                  - match: [{uri: {exact: /exact}}, {uri: {regex: "/items/[0-9]+"}}]
                    route: [{destination: {host: reviews, subset: v2}}]
                  - match: [{uri: {prefix: /p}}]
                    route: [{destination: {host: reviews, subset: v1}}]
                """).build());

        assertThat(mesh.get("reviews", "/exact?x=1").status()).as("exact ignores the query").isEqualTo(200);
        assertThat(mesh.get("reviews", "/items/42").status()).isEqualTo(200);
        assertThat(v2.count()).as("exact + regex hits").isEqualTo(2);
        assertThat(mesh.get("reviews", "/items/42/more").status()).as("regex is a full match").isEqualTo(404);
        assertThat(mesh.get("reviews", "/exact/sub").status()).as("exact is not a prefix").isEqualTo(404);
        assertThat(mesh.get("reviews", "/prefix/x").status()).isEqualTo(200);
        assertThat(v1.count()).as("prefix hits").isEqualTo(1);
    }

    @Test
    void headersMatchExactPrefixRegexAndPresenceCaseInsensitivelyByName() {
        mesh.apply(reviews().yaml(SUBSETS).yaml("""
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata: {name: reviews, namespace: shop}
                spec:
                  hosts: [reviews]
                  http:
                  - match:
                    - headers:
                        end-user: {exact: jason}
                        x-canary: {}
                    route: [{destination: {host: reviews, subset: v2}}]
                  - match:
                    - headers: {x-tier: {prefix: gold}}
                    - headers: {x-region: {regex: "eu-(west|north)-[0-9]"}}
                    route: [{destination: {host: reviews, subset: v1}}]
                """).build());

        assertThat(mesh.send(HttpMethod.GET, "reviews", 80, "/", MeshFixture.headers("End-User", "jason", "X-Canary", "")).status())
                .as("exact + presence, header names in any case").isEqualTo(200);
        assertThat(v2.count()).isEqualTo(1);
        assertThat(mesh.send(HttpMethod.GET, "reviews", 80, "/", MeshFixture.headers("end-user", "jason")).status())
                .as("presence missing").isEqualTo(404);
        assertThat(mesh.send(HttpMethod.GET, "reviews", 80, "/", MeshFixture.headers("end-user", "Jason", "x-canary", "1")).status())
                .as("exact is case-sensitive").isEqualTo(404);
        assertThat(mesh.send(HttpMethod.GET, "reviews", 80, "/", MeshFixture.headers("x-tier", "gold-plus")).status()).isEqualTo(200);
        assertThat(mesh.send(HttpMethod.GET, "reviews", 80, "/", MeshFixture.headers("x-region", "eu-west-1")).status()).isEqualTo(200);
        assertThat(mesh.send(HttpMethod.GET, "reviews", 80, "/", MeshFixture.headers("x-region", "us-west-1")).status()).isEqualTo(404);
        assertThat(v1.count()).as("prefix and regex hits").isEqualTo(2);
    }

    @Test
    void methodAndQueryParameterConditionsAreAnded() {
        mesh.apply(reviews().yaml(SUBSETS).yaml("""
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata: {name: reviews, namespace: shop}
                spec:
                  hosts: [reviews]
                  http:
                  - match:
                    - method: {exact: POST}
                      queryParams: {debug: {exact: "true"}}
                    route: [{destination: {host: reviews, subset: v2}}]
                """).build());

        assertThat(mesh.send(HttpMethod.POST, "reviews", 80, "/?debug=true", MeshFixture.headers()).status()).isEqualTo(200);
        assertThat(mesh.send(HttpMethod.GET, "reviews", 80, "/?debug=true", MeshFixture.headers()).status()).as("wrong method").isEqualTo(404);
        assertThat(mesh.send(HttpMethod.POST, "reviews", 80, "/?debug=false", MeshFixture.headers()).status()).as("wrong query").isEqualTo(404);
        assertThat(v2.count()).isEqualTo(1);
    }

    @Test
    void noMatchingRouteGives404WithNoRouteFlagAndNeverReachesUpstream() {
        mesh.apply(reviews().yaml("""
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata: {name: reviews, namespace: shop}
                spec:
                  hosts: [reviews]
                  http:
                  - match: [{uri: {prefix: /only}}]
                    route: [{destination: {host: reviews}}]
                """).build());

        ProxiedExchange ex = mesh.get("reviews", "/other");

        assertThat(ex.status()).isEqualTo(404);
        assertThat(ex.responseFlagsLabel()).isEqualTo("NR");
        assertThat(ex.attempts()).isZero();
        assertThat(v1.count() + v2.count()).as("upstream requests").isZero();
    }

    @Test
    void weightedDestinationsSplitTrafficByRelativeWeight() {
        mesh.apply(reviews().yaml(SUBSETS).yaml("""
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata: {name: reviews, namespace: shop}
                spec:
                  hosts: [reviews]
                  http:
                  - route:
                    - {destination: {host: reviews, subset: v1}, weight: 1}
                    - {destination: {host: reviews, subset: v2}, weight: 3}
                """).build());
        int n = 800;

        for (int i = 0; i < n; i++) {
            mesh.get("reviews", "/");
        }

        ConfidenceInterval ci = MeshFixture.interval(n, v2.count());
        assertThat(v1.count() + v2.count()).isEqualTo(n);
        assertThat(0.75).as("weight 3 of 4 inside the 99.99%% interval %s of v2's share", ci)
                .isBetween(ci.getLowerBound(), ci.getUpperBound());
    }

    @Test
    void subsetsSelectEndpointsByTheDestinationRuleLabels() {
        mesh.apply(reviews().yaml(SUBSETS).yaml("""
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata: {name: reviews, namespace: shop}
                spec:
                  hosts: [reviews]
                  http:
                  - route: [{destination: {host: reviews, subset: v1}}]
                """).build());

        for (int i = 0; i < 20; i++) {
            ProxiedExchange ex = mesh.get("reviews", "/");
            assertThat(ex.endpoint().version()).isEqualTo("v1");
        }
        assertThat(v2.count()).as("requests to the other subset").isZero();
    }

    @Test
    void subsetWithoutEndpointsGives503NoHealthyUpstream() {
        mesh.apply(reviews().yaml(SUBSETS).yaml("""
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata: {name: reviews, namespace: shop}
                spec:
                  hosts: [reviews]
                  http:
                  - route: [{destination: {host: reviews, subset: v3}}]
                """).build());

        ProxiedExchange ex = mesh.get("reviews", "/");

        assertThat(ex.status()).isEqualTo(503);
        assertThat(ex.responseFlagsLabel()).isEqualTo("UH");
        assertThat(ex.body().toString()).isEqualTo("no healthy upstream");
    }

    @Test
    void subsetMissingFromTheDestinationRuleGives503NoClusterFound() {
        mesh.apply(reviews().yaml(SUBSETS).yaml("""
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata: {name: reviews, namespace: shop}
                spec:
                  hosts: [reviews]
                  http:
                  - route: [{destination: {host: reviews, subset: canary}}]
                """).build());

        ProxiedExchange ex = mesh.get("reviews", "/");

        assertThat(ex.status()).isEqualTo(503);
        assertThat(ex.responseFlagsLabel()).isEqualTo("NC");
    }

    @Test
    void virtualServiceCanRouteOneHostToAnotherService() {
        FakeUpstream ratings = mesh.upstream("ratings-1", "v1");
        mesh.apply(reviews().service("ratings", MeshFixture.NS, 80, ratings).yaml("""
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata: {name: reviews, namespace: shop}
                spec:
                  hosts: [reviews]
                  http:
                  - route: [{destination: {host: ratings}}]
                """).build());

        ProxiedExchange ex = mesh.get("reviews", "/");

        assertThat(ex.status()).isEqualTo(200);
        assertThat(ex.service().name()).as("destination service reported").isEqualTo("ratings");
        assertThat(ratings.count()).isEqualTo(1);
    }
}
