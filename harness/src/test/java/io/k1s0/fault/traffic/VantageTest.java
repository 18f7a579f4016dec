package io.k1s0.fault.traffic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.restassured.builder.RequestSpecBuilder;
import io.restassured.http.Method;
import io.restassured.specification.RequestSpecification;
import java.net.URI;
import org.junit.jupiter.api.Test;

class VantageTest {

    private static RequestSpecification meshOrders() {
        return new RequestSpecBuilder().setBaseUri("http://order-server.k1s0-service").setPort(80)
                .setBasePath("/orders").addQueryParam("region", "tokyo").addHeader("x-canary", "false").build();
    }

    @Test
    void viaProxySendsTheAbsoluteUriToTheProxyLikeCurlDashX() {
        try (LoopbackServers.Backend proxy = LoopbackServers.Backend.answering(req -> req.response().end("proxied"))) {
            TrafficResult result = Traffic.from(Vantage.viaProxy(proxy.uri())).send(meshOrders()).atRate(50).forRequests(3).run();

            assertThat(result.total().responses(200)).as("answered by the proxy").isEqualTo(3);
            assertThat(proxy.requestLines).as("request lines the proxy received")
                    .containsOnly("GET http://order-server.k1s0-service/orders?region=tokyo HTTP/1.1").hasSize(3);
            assertThat(proxy.hosts).as("Host header names the target, not the proxy").containsOnly("order-server.k1s0-service");
            assertThat(proxy.headerLines).as("spec headers are sent").contains("x-canary: false");
            assertThat(result.summary()).contains("via proxy http://127.0.0.1:" + proxy.port());
        }
    }

    @Test
    void probesViaProxyAlsoUseTheAbsoluteUri() {
        try (LoopbackServers.Backend proxy = LoopbackServers.Backend.answering(req -> req.response().end("proxied"))) {
            ProbeResult seen = Traffic.from(Vantage.viaProxy(proxy.uri())).probe(meshOrders())
                    .untilSeen("a 200", r -> r.statusCode() == 200);

            assertThat(seen.satisfied()).isTrue();
            // Probes go through the load's engine: the same absolute-form target as the load's requests above.
            assertThat(proxy.requestLines.get(0)).as("probe request line")
                    .isEqualTo("GET http://order-server.k1s0-service/orders?region=tokyo HTTP/1.1");
            assertThat(proxy.hosts.get(0)).as("probe Host header").startsWith("order-server.k1s0-service");
        }
    }

    @Test
    void directSendsOriginFormWithMethodHeadersAndBody() {
        try (LoopbackServers.Backend backend = LoopbackServers.Backend.answering(req -> req.body().onSuccess(b -> req.response().setStatusCode(201).end()))) {
            RequestSpecification create = new RequestSpecBuilder().setBaseUri("http://127.0.0.1").setPort(backend.port())
                    .setBasePath("/orders").addQueryParam("dry", "1").setContentType("application/json")
                    .addHeader("x-user", "u1").addCookie("session", "s1").setBody("{\"id\":7}").build();

            TrafficResult result = Traffic.from(Vantage.direct()).send(Method.POST, create).atRate(20).forRequests(2).run();

            assertThat(result.total().responses(201)).as("created").isEqualTo(2);
            assertThat(backend.requestLines).containsOnly("POST /orders?dry=1 HTTP/1.1");
            assertThat(backend.headerLines).as("headers").contains("x-user: u1", "Cookie: session=s1")
                    .anySatisfy(h -> assertThat(h).startsWith("Content-Type: application/json"));
            assertThat(backend.bodies).as("bodies").containsOnly("{\"id\":7}");
        }
    }

    @Test
    void aProxyUriThatIsNotHostAndPortIsRejectedWithTheAllowedForm() {
        assertThatThrownBy(() -> Vantage.viaProxy(URI.create("https://proxy:8443/path")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Vantage.viaProxy proxy")
                .hasMessageContaining("https://proxy:8443/path")
                .hasMessageContaining("allowed: an http://host:port URI");
        assertThatThrownBy(() -> Vantage.viaProxy(URI.create("http://proxy")))
                .as("no explicit port").hasMessageContaining("explicit port");
    }
}
